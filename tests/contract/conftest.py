"""Adapters of each port, as parametrized fixtures: every contract test runs against each.

The servers (`kafka_bootstrap`, `mongodb_url`) come from tests/conftest.py and are asked
for only by the parameters that need them, so the memory and SQLite cases start nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from shared.bus import EventBus
from shared.eventstore import EventStore
from shared.projections import ProjectionStore
from tests.contract.support import safe_name

STORES = ["memory", "sqlite", "mongodb"]
BUSES = ["memory", "sqlite", "kafka"]
PROJECTION_STORES = ["memory", "sqlite", "mongodb"]
# Whole stacks for the end-to-end cases, as (event store, bus, projection store): the fakes the
# unit tests of services rely on, the embedded default, and the distributed one.
STACK_ADAPTERS = {"memory": ("memory", "memory", "memory"),
                  "sqlite": ("sqlite", "sqlite", "sqlite"),
                  "distributed": ("mongodb", "kafka", "mongodb")}
STACKS = list(STACK_ADAPTERS)


@pytest.fixture
def names(unique_name):
    """names("topic") → a name no other test uses."""
    return lambda *parts: safe_name(unique_name, *parts)


def make_event_store(kind: str, request, tmp_path, namespace: str) -> EventStore:
    if kind == "memory":
        from shared.eventstore.memory import MemoryEventStore
        return MemoryEventStore()
    if kind == "sqlite":
        from shared.eventstore.sqlite import SQLiteEventStore
        return SQLiteEventStore(f"sqlite:///{tmp_path}/{namespace}-events.db")
    if kind == "mongodb":
        from shared.eventstore.mongo import MongoEventStore
        return MongoEventStore(request.getfixturevalue("mongodb_url"), namespace)
    raise ValueError(kind)


def make_bus(kind: str, request, tmp_path, bootstrap: str | None = None) -> EventBus:
    if kind == "memory":
        from shared.bus.memory import MemoryBus
        return MemoryBus()
    if kind == "sqlite":
        from shared.bus.sqlite import SQLiteBus
        return SQLiteBus(f"sqlite:///{tmp_path}/bus.db")
    if kind == "kafka":
        from shared.bus.kafka import KafkaBus
        return KafkaBus("kafka://" + (bootstrap or request.getfixturevalue("kafka_bootstrap")))
    raise ValueError(kind)


def make_projection_store(kind: str, request, tmp_path, namespace: str) -> ProjectionStore:
    if kind == "memory":
        from shared.projections.memory import MemoryProjectionStore
        return MemoryProjectionStore()
    if kind == "sqlite":
        from shared.projections.sqlite import SQLiteProjectionStore
        return SQLiteProjectionStore(f"sqlite:///{tmp_path}/{namespace}-projections.db")
    if kind == "mongodb":
        from shared.projections.mongo import MongoProjectionStore
        return MongoProjectionStore(request.getfixturevalue("mongodb_url"), namespace)
    raise ValueError(kind)


@pytest.fixture(params=STORES)
def event_store(request, tmp_path, names):
    store = make_event_store(request.param, request, tmp_path, names("events"))
    yield store
    store.close()


@pytest.fixture
def store_factory(request, tmp_path, names, event_store):
    """Another handle on the same store (as a second process would open it)."""
    kind = request.node.callspec.params["event_store"]
    opened = []

    def factory():
        if kind == "memory":
            return event_store
        store = make_event_store(kind, request, tmp_path, names("events"))
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture(params=BUSES)
def bus(request, tmp_path):
    bus = make_bus(request.param, request, tmp_path)
    yield bus
    bus.close()


@pytest.fixture(params=PROJECTION_STORES)
def projection_store(request, tmp_path, names):
    store = make_projection_store(request.param, request, tmp_path, names("projections"))
    yield store
    store.close()


@dataclass
class Stack:
    """One event store, one bus and one projection store that belong together."""

    kind: str
    store: EventStore
    bus: EventBus
    projections: ProjectionStore
    _closers: list = field(default_factory=list)

    def close(self):
        for closer in reversed(self._closers):
            closer()


@pytest.fixture(params=STACKS)
def stack(request, tmp_path, names):
    kinds = STACK_ADAPTERS[request.param]
    store = make_event_store(kinds[0], request, tmp_path, names("events"))
    bus = make_bus(kinds[1], request, tmp_path)
    projections = make_projection_store(kinds[2], request, tmp_path, names("projections"))
    s = Stack(request.param, store, bus, projections, [store.close, bus.close, projections.close])
    yield s
    s.close()
