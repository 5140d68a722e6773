"""Our envelopes are CloudEvents as far as the official Python SDK is concerned.

One event of every registered type (payload sampled from its JSON Schema and validated by its
marshmallow schema) is parsed by the SDK: from the envelope bytes (its JSON event format, and the
older `cloudevents.v1` API many integrators still use), and from real Kafka messages published
by our KafkaBus (its Kafka protocol binding). Every attribute and extension must come through
intact, and what the SDK writes back must read as the same event.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from cloudevents.v1.http import from_json as v1_from_json
from kafka import KafkaConsumer

from shared.bus import topic_for
from shared.bus.kafka import KafkaBus
from shared.contracts import catalog
from shared.contracts.samples import sample
from shared.envelope import Recorded, from_bytes, to_bytes
from shared.events import dataschema_uri

REGIONS = [("360000", "province"), ("360700", "city"), ("360702", "county")]


def sample_events() -> list[Recorded]:
    """One valid event of every registered type, in every family."""
    events = []
    for family, registry in catalog.FAMILIES.items():
        for i, event_type in enumerate(registry, start=1):
            version, data = registry.encode(event_type.name, sample(registry.json_schema(event_type.name)))
            region, tier = REGIONS[i % len(REGIONS)]
            events.append(Recorded(
                id=f"{family}-{event_type.name}-{i:04d}-6f1c", family=family, type=event_type.name,
                schema_version=version, stream=f"{family}-aggregate-{i}", version=i, data=data,
                time=datetime(2024, 5, 20, 1, 2, 3, 456789, tzinfo=timezone.utc), region=region, tier=tier,
                source=f"/shuangwan/{family}/360000"))
    return events


EVENTS = sample_events()


def test_every_registered_type_has_a_sample():
    assert len(EVENTS) == sum(len(list(r)) for r in catalog.FAMILIES.values())
    assert {(e.family, e.type) for e in EVENTS} == {
        (family, t.name) for family, registry in catalog.FAMILIES.items() for t in registry}


def assert_intact(ce: CloudEvent, event: Recorded) -> None:
    assert ce.get_specversion() == "1.0"
    assert ce.get_id() == event.id
    assert ce.get_source() == event.source
    assert ce.get_type() == f"cn.shuangwan.{event.family}.{event.type}"
    assert ce.get_subject() == event.stream
    assert ce.get_time() == event.time
    assert ce.get_datacontenttype() == "application/json"
    assert ce.get_dataschema() == dataschema_uri(event.family, event.type, event.schema_version)
    assert ce.get_extension("region") == event.region
    assert ce.get_extension("tier") == event.tier
    assert ce.get_extension("streamversion") == event.version
    assert ce.get_extension("dataversion") == event.schema_version
    assert ce.get_data() == event.data


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.family}.{e.type}")
def test_envelope_bytes_parse_with_the_sdk(event):
    ce = JSONFormat().read(None, to_bytes(event))  # version detected from `specversion`
    assert isinstance(ce, CloudEvent)
    assert_intact(ce, event)
    # And the other way: what the SDK writes, we read as the very same event.
    assert from_bytes(JSONFormat().write(ce)) == event


@pytest.mark.parametrize("event", EVENTS[:1] + EVENTS[-1:], ids=lambda e: f"{e.family}.{e.type}")
def test_envelope_bytes_parse_with_the_sdks_v1_api(event):
    ce = v1_from_json(to_bytes(event))
    attributes = {key: ce[key] for key in ("id", "source", "type", "subject", "dataschema",
                                          "region", "tier", "streamversion", "dataversion")}
    assert attributes == {
        "id": event.id, "source": event.source, "type": f"cn.shuangwan.{event.family}.{event.type}",
        "subject": event.stream, "dataschema": dataschema_uri(event.family, event.type, event.schema_version),
        "region": event.region, "tier": event.tier, "streamversion": event.version,
        "dataversion": event.schema_version}
    assert ce.data == event.data


def test_kafka_messages_parse_with_the_sdks_kafka_binding(kafka_bootstrap, unique_name):
    bus = KafkaBus(f"kafka://{kafka_bootstrap}")
    topics = {family: topic_for(family, unique_name) for family in catalog.FAMILIES}
    try:
        bus.ensure_topics(topics.values())
        for family, topic in topics.items():
            bus.publish(topic, [(e.stream, to_bytes(e)) for e in EVENTS if e.family == family])
    finally:
        bus.close()

    consumer = KafkaConsumer(*topics.values(), bootstrap_servers=kafka_bootstrap, group_id=unique_name,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    received = {}
    try:
        deadline = time.monotonic() + 60
        while len(received) < len(EVENTS) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    message = KafkaMessage(headers={k: v for k, v in (r.headers or [])}, key=r.key, value=r.value)
                    ce = from_kafka(message, JSONFormat())  # no ce_ headers: structured mode
                    received[ce.get_id()] = ce
    finally:
        consumer.close()

    assert len(received) == len(EVENTS)
    for event in EVENTS:
        ce = received[event.id]
        assert_intact(ce, event)
        assert ce.get_extension("partitionkey") == event.stream  # the Kafka key is the aggregate id
