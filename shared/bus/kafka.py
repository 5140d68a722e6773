"""Apache Kafka bus (kafka-python).

The producer is idempotent with `acks='all'` (both set explicitly: a conflicting option would
otherwise turn idempotence off silently). A message's key is its aggregate id, so one
aggregate's events share a partition and keep their order. Event topics are created with
unlimited retention: they are the record that projections are rebuilt from.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterable, Sequence
from urllib.parse import urlparse

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from shared.bus import BusUnavailable, EventBus, Lane, Message, Subscription

# The CloudEvents Kafka binding: structured-mode messages say so in their content-type header.
STRUCTURED = [("content-type", b"application/cloudevents+json; charset=UTF-8")]
TOPIC_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"}
# kafka-python backs off reconnecting up to 30 s by default, so a relay or consumer would sit
# idle that long after the broker is back; the Java client's default is 1 s.
RECONNECT_BACKOFF_MAX_MS = 1000
# A consumer that died without leaving its group (kill -9, power cut) holds its partitions until
# its session expires; kafka-python's default of 45 s stalls a restarted consumer that long.
SESSION_TIMEOUT_MS = 10000
# A group's leader assigns partitions from the metadata it has; metadata that lacks a new topic's
# partitions yields an empty assignment, corrected only at the next metadata refresh. The default
# 5 min leaves a consumer idle that long; refreshing every few seconds makes it rejoin promptly.
CONSUMER_METADATA_MAX_AGE_MS = 5000


def bootstrap_from_url(url: str) -> str:
    """`kafka://host:port[,host:port]` → `host:port[,host:port]`."""
    parsed = urlparse(url)
    if parsed.scheme != "kafka" or not parsed.netloc:
        raise ValueError(f"not a kafka URL: {url}")
    return parsed.netloc


class KafkaBus(EventBus):
    def __init__(self, url: str, partitions: int = 3, replication_factor: int = 1):
        self.bootstrap = bootstrap_from_url(url)
        self.partitions, self.replication_factor = partitions, replication_factor
        self._producer: KafkaProducer | None = None

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            try:
                self._producer = KafkaProducer(
                    bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True,
                    linger_ms=5, max_in_flight_requests_per_connection=5, retries=2**31 - 1,
                    delivery_timeout_ms=30000, request_timeout_ms=10000, max_block_ms=10000,
                    reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS)
            except KafkaError as exc:
                raise BusUnavailable(f"Kafka at {self.bootstrap}: {exc}") from exc
        return self._producer

    def ensure_topics(self, topics: Iterable[str]) -> None:
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=15000)
        except KafkaError as exc:
            raise BusUnavailable(f"Kafka at {self.bootstrap}: {exc}") from exc
        try:
            existing = set(admin.list_topics())
            wanted = [NewTopic(t, self.partitions, self.replication_factor, topic_configs=TOPIC_CONFIG)
                      for t in topics if t not in existing]
            if wanted:
                try:
                    admin.create_topics(wanted, wait_for_metadata=True)
                except TopicAlreadyExistsError:
                    pass  # created meanwhile by another process: just as good
        except KafkaError as exc:
            raise BusUnavailable(f"Kafka at {self.bootstrap}: {exc}") from exc
        finally:
            admin.close()

    def publish(self, topic: str, messages: Sequence[tuple[str, bytes]]) -> None:
        producer = self._get_producer()
        try:
            futures = [producer.send(topic, key=key.encode(), value=value, headers=STRUCTURED)
                       for key, value in messages]
            producer.flush()
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise BusUnavailable(f"Kafka at {self.bootstrap}: {exc}") from exc

    def subscribe(self, topics: Sequence[str], group: str, lane: Lane | None = None) -> Subscription:
        return _KafkaSubscription(self.bootstrap, list(topics), group, lane)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=10)
            self._producer = None


@contextmanager
def _unavailable_on_error(bootstrap: str):
    """Kafka's errors, as the port's one error the callers know to wait out."""
    try:
        yield
    except KafkaError as exc:
        raise BusUnavailable(f"Kafka at {bootstrap}: {exc}") from exc


class _KafkaSubscription(Subscription):
    def __init__(self, bootstrap: str, topics: list[str], group: str, lane: Lane | None):
        self._bootstrap, self._lane = bootstrap, lane
        try:
            self._consumer = KafkaConsumer(
                *topics, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                auto_offset_reset="earliest", isolation_level="read_committed",
                reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
                session_timeout_ms=SESSION_TIMEOUT_MS, heartbeat_interval_ms=SESSION_TIMEOUT_MS // 3,
                metadata_max_age_ms=CONSUMER_METADATA_MAX_AGE_MS)
            # The topics' metadata before the first poll joins the group. A leader that joins
            # without it assigns nothing and rejoins at once; kafka-python 3.0 drops the result of
            # that rejoin if a poll times out during it, leaving the consumer without partitions
            # for good (reproduced with short poll timeouts on a freshly created topic).
            for topic in topics:
                self._consumer.partitions_for_topic(topic)
        except KafkaError as exc:
            raise BusUnavailable(f"Kafka at {bootstrap}: {exc}") from exc

    def poll(self, timeout: float = 1.0, max_messages: int = 500) -> list[Message]:
        deadline = time.monotonic() + timeout
        while True:
            with _unavailable_on_error(self._bootstrap):
                records = self._consumer.poll(timeout_ms=int(max(0.0, deadline - time.monotonic()) * 1000),
                                              max_records=max_messages)
            messages = [Message(r.topic, r.key.decode() if r.key is not None else "", r.value, r.partition, r.offset)
                        for batch in records.values() for r in batch]
            if self._lane is None:
                return messages
            kept = [m for m in messages if self._lane.holds(m.key)]
            if kept or not messages or time.monotonic() >= deadline:
                return kept

    def commit(self) -> None:
        with _unavailable_on_error(self._bootstrap):
            self._consumer.commit()

    def lag(self) -> int:
        with _unavailable_on_error(self._bootstrap):
            return self._lag()

    def _lag(self) -> int:
        assigned = list(self._consumer.assignment())
        if not assigned:
            # Not yet part of the group: count from the group's committed offsets instead.
            partitions = [TopicPartition(t, p) for t in self._consumer.subscription() or ()
                          for p in (self._consumer.partitions_for_topic(t) or ())]
            ends = self._consumer.end_offsets(partitions)
            return sum(end - (self._consumer.committed(tp) or 0) for tp, end in ends.items())
        ends = self._consumer.end_offsets(assigned)
        return sum(end - self._consumer.position(tp) for tp, end in ends.items())

    def close(self) -> None:
        self._consumer.close(autocommit=False)
