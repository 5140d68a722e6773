"""What the contract tests share: a small event family, projections, polling helpers.

Imported by the tests and by `consumer_worker`, the consumer the crash test runs (and
SIGKILLs) as a real process.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone

import marshmallow as ma

from shared.bus import BusUnavailable, EventBus, Subscription, topic_for
from shared.consumer import Projection
from shared.envelope import Recorded, new_event_id
from shared.events import EventRegistry, Schema

TOPIC_PREFIX = "contract"


# ---------------------------------------------------------------- names

def safe_name(*parts: str) -> str:
    """A name that is valid as a Kafka topic, a consumer group and part of a MongoDB database."""
    return re.sub(r"[^a-z0-9_]", "_", "_".join(parts).lower())


# ---------------------------------------------------------------- a family of events

class Counted(Schema):
    """Something was counted: `amount` is added to the aggregate's total."""
    amount = ma.fields.Integer(required=True)
    note = ma.fields.String(load_default="")


class Scored(Schema):
    """v2: a score on an explicit scale (v1 had only `points`, always out of 100)."""
    score = ma.fields.Integer(required=True)
    scale = ma.fields.Integer(required=True)


def scored_v1_to_v2(payload: dict) -> dict:
    return {"score": payload["points"], "scale": 100}


def make_registry(family: str) -> EventRegistry:
    registry = EventRegistry(family)
    registry.register("Counted", Counted)
    registry.register("Scored", Scored, version=2, upcasters={1: scored_v1_to_v2})
    return registry


BASE_TIME = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)


def event(family: str, stream: str, version: int, type: str = "Counted", data: dict | None = None,
          schema_version: int | None = None, region: str = "360702", tier: str = "county") -> Recorded:
    """A stored-to-be event; `Counted` payloads default to amount = version."""
    if data is None:
        data = {"amount": version, "note": ""} if type == "Counted" else {}
    if schema_version is None:
        schema_version = 2 if type == "Scored" else 1
    return Recorded(
        id=new_event_id(), family=family, type=type, schema_version=schema_version, stream=stream,
        version=version, data=data, time=BASE_TIME + timedelta(seconds=version), region=region,
        tier=tier, source=f"/shuangwan/{family}/360700")


def counted(family: str, stream: str, first: int, n: int, amount=None) -> list[Recorded]:
    """`n` Counted events continuing `stream` from version `first`."""
    return [event(family, stream, v, data={"amount": v if amount is None else amount(v), "note": ""})
            for v in range(first, first + n)]


def same_event(a: Recorded, b: Recorded) -> bool:
    """Equal as stored facts (the global position is the store's business)."""
    return a._replace(position=None) == b._replace(position=None)


# ---------------------------------------------------------------- projections

class SumProjection(Projection):
    """One row per stream: the sum of its Counted amounts, and how many were applied."""

    collection = "sums"

    def handles(self, event: Recorded) -> bool:
        return event.type == "Counted"

    def evolve(self, row, event):
        row = row or {"total": 0, "count": 0, "region": event.region}
        return {**row, "total": row["total"] + event.data["amount"], "count": row["count"] + 1}


class CountProjection(Projection):
    """A second collection fed by the same events (a crash can fall between the two writes)."""

    collection = "counts"

    def handles(self, event: Recorded) -> bool:
        return event.type == "Counted"

    def evolve(self, row, event):
        return {"n": (row or {"n": 0})["n"] + 1}


class RecordingProjection(Projection):
    """Remembers, per stream, the order in which it was asked to evolve, and every event seen."""

    collection = "recorded"

    def __init__(self):
        self.lock = threading.Lock()
        self.order: dict[str, list[int]] = {}
        self.seen: list[Recorded] = []

    def handles(self, event: Recorded) -> bool:
        return True

    def evolve(self, row, event):
        with self.lock:
            self.order.setdefault(event.stream, []).append(event.version)
            self.seen.append(event)
        row = row or {"versions": [], "ids": []}
        return {"versions": row["versions"] + [event.version], "ids": row["ids"] + [event.id],
                "type": event.type, "data": event.data}


# ---------------------------------------------------------------- a bus that can be "down"

class SwitchableBus(EventBus):
    """Our own port wrapped so that it can refuse publishing, as a bus that is down would."""

    def __init__(self, inner: EventBus):
        self.inner = inner
        self.down = False
        self.refused = 0

    def ensure_topics(self, topics):
        self.inner.ensure_topics(topics)

    def publish(self, topic, messages):
        if self.down:
            self.refused += 1
            raise BusUnavailable("switched off by the test")
        self.inner.publish(topic, messages)

    def subscribe(self, topics, group, lane=None) -> Subscription:
        return self.inner.subscribe(topics, group, lane)

    def close(self):
        self.inner.close()


# ---------------------------------------------------------------- polling

def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def poll_all(subscription: Subscription, count: int, timeout: float = 30.0, max_messages: int = 500,
             settle: float = 0.3) -> list:
    """Poll until at least `count` messages came back, then once more to catch extras."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(got)} of {count} messages within {timeout:.0f} s")
        got.extend(subscription.poll(timeout=0.5, max_messages=max_messages))
    got.extend(subscription.poll(timeout=settle, max_messages=max_messages))
    return got


def topics_of(registries) -> list[str]:
    return [topic_for(r.family, TOPIC_PREFIX) for r in registries]
