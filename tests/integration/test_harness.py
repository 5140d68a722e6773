"""The harness gives real servers: Kafka that stores and serves messages, and
FerretDB that stores documents and enforces unique indexes."""

from __future__ import annotations

import time

import pymongo
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from pymongo.errors import DuplicateKeyError


def _create_topic(bootstrap: str, topic: str, partitions: int = 3) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics(
            [NewTopic(name=topic, num_partitions=partitions, replication_factor=1)],
            wait_for_metadata=True,
        )
        assert topic in admin.list_topics()
    finally:
        admin.close()


def _consume(bootstrap: str, topic: str, group: str, count: int, timeout: float = 30.0):
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    got = []
    try:
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                got.extend(records)
        consumer.commit()
    finally:
        consumer.close()
    return got


def test_kafka_produce_and_consume(kafka_bootstrap, unique_name):
    topic = f"{unique_name}.events"
    _create_topic(kafka_bootstrap, topic)

    producer = KafkaProducer(
        bootstrap_servers=kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
    )
    try:
        futures = [
            producer.send(topic, key=b"visit-1", value=f"event {i}".encode(),
                          headers=[("ce_type", b"test.harness")])
            for i in range(5)
        ]
        producer.flush(timeout=30)
        metadata = [f.get(timeout=30) for f in futures]
    finally:
        producer.close()

    # One key: one partition, offsets in order.
    assert len({m.partition for m in metadata}) == 1
    assert [m.offset for m in metadata] == list(range(5))

    records = _consume(kafka_bootstrap, topic, f"{unique_name}-group", 5)
    assert [r.value for r in records] == [f"event {i}".encode() for i in range(5)]
    assert all(r.key == b"visit-1" for r in records)
    assert records[0].headers == [("ce_type", b"test.harness")]


def test_kafka_committed_offsets_survive_consumer(kafka_bootstrap, unique_name):
    """Consumer groups work (offsets topic with replication factor 1)."""
    topic, group = f"{unique_name}.offsets", f"{unique_name}-group"
    _create_topic(kafka_bootstrap, topic, partitions=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                             enable_idempotence=True)
    try:
        for i in range(3):
            producer.send(topic, value=b"%d" % i)
        producer.flush(timeout=30)
    finally:
        producer.close()

    assert len(_consume(kafka_bootstrap, topic, group, 3)) == 3

    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=group,
                             enable_auto_commit=False)
    try:
        assert consumer.committed(TopicPartition(topic, 0)) == 3
    finally:
        consumer.close()


def test_mongodb_insert_find_and_unique_index(mongodb_url, unique_name):
    client = pymongo.MongoClient(mongodb_url, serverSelectionTimeoutMS=10000)
    try:
        db = client[unique_name]
        visits = db["visits"]
        visits.create_index([("cadre_id", 1), ("day", 1)], unique=True)
        visits.insert_one({"cadre_id": "c1", "day": "2026-01-05", "village": "东村"})
        visits.insert_many([
            {"cadre_id": "c1", "day": "2026-01-06", "village": "西村"},
            {"cadre_id": "c2", "day": "2026-01-05", "village": "东村"},
        ])

        found = list(visits.find({"village": "东村"}, {"_id": 0}).sort("cadre_id", 1))
        assert found == [
            {"cadre_id": "c1", "day": "2026-01-05", "village": "东村"},
            {"cadre_id": "c2", "day": "2026-01-05", "village": "东村"},
        ]

        with pytest.raises(DuplicateKeyError) as excinfo:
            visits.insert_one({"cadre_id": "c1", "day": "2026-01-05", "village": "南村"})
        assert excinfo.value.code == 11000
        assert visits.count_documents({}) == 3

        visits.update_one({"cadre_id": "c3", "day": "2026-01-07"},
                          {"$set": {"village": "北村"}, "$inc": {"n": 1}}, upsert=True)
        assert visits.find_one({"cadre_id": "c3"}, {"_id": 0})["n"] == 1
    finally:
        client.drop_database(unique_name)
        client.close()


def test_servers_keep_data_across_restart(kafka_server, ferretdb_server, unique_name):
    """stop(keep_data=True) + start() brings back the same server: port and data."""
    client = pymongo.MongoClient(ferretdb_server.url, serverSelectionTimeoutMS=10000)
    try:
        client[unique_name]["c"].insert_one({"_id": 1, "x": "kept"})
    finally:
        client.close()
    topic = f"{unique_name}.restart"
    _create_topic(kafka_server.bootstrap_servers, topic, partitions=1)
    producer = KafkaProducer(bootstrap_servers=kafka_server.bootstrap_servers, acks="all",
                             enable_idempotence=True)
    try:
        producer.send(topic, value=b"before restart").get(timeout=30)
    finally:
        producer.close()

    ports = (kafka_server.port, ferretdb_server.port)
    for server in (ferretdb_server, kafka_server):
        server.stop(keep_data=True)
        assert not server.running
    try:
        with pytest.raises(pymongo.errors.ServerSelectionTimeoutError):
            down = pymongo.MongoClient(ferretdb_server.url, serverSelectionTimeoutMS=500)
            try:
                down.admin.command("ping")
            finally:
                down.close()
    finally:
        ferretdb_server.start()
        kafka_server.start()
    assert (kafka_server.port, ferretdb_server.port) == ports

    client = pymongo.MongoClient(ferretdb_server.url, serverSelectionTimeoutMS=10000)
    try:
        assert client[unique_name]["c"].find_one({"_id": 1}) == {"_id": 1, "x": "kept"}
        client.drop_database(unique_name)
    finally:
        client.close()
    records = _consume(kafka_server.bootstrap_servers, topic, f"{unique_name}-g", 1)
    assert [r.value for r in records] == [b"before restart"]
