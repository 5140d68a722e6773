"""Adapters chosen by URL scheme: the one place that maps configuration to implementations."""
from __future__ import annotations

from shared.bus import EventBus
from shared.eventstore import EventStore
from shared.projections import ProjectionStore


def event_store(url: str, namespace: str) -> EventStore:
    """`namespace` keeps services apart on a shared server (e.g. "visits_events")."""
    if url.startswith("sqlite:"):
        from shared.eventstore.sqlite import SQLiteEventStore
        return SQLiteEventStore(url)
    if url.startswith("mongodb:"):
        from shared.eventstore.mongo import MongoEventStore
        return MongoEventStore(url, namespace)
    if url == "memory:":
        from shared.eventstore.memory import MemoryEventStore
        return MemoryEventStore()
    raise ValueError(f"no event store for {url!r} (use sqlite:///…, mongodb://… or memory:)")


def event_bus(url: str) -> EventBus:
    if url.startswith("sqlite:"):
        from shared.bus.sqlite import SQLiteBus
        return SQLiteBus(url)
    if url.startswith("kafka:"):
        from shared.bus.kafka import KafkaBus
        return KafkaBus(url)
    if url == "memory:":
        from shared.bus.memory import MemoryBus
        return MemoryBus()
    raise ValueError(f"no event bus for {url!r} (use sqlite:///…, kafka://… or memory:)")


def projection_store(url: str, namespace: str) -> ProjectionStore:
    if url.startswith("sqlite:"):
        from shared.projections.sqlite import SQLiteProjectionStore
        return SQLiteProjectionStore(url)
    if url.startswith("mongodb:"):
        from shared.projections.mongo import MongoProjectionStore
        return MongoProjectionStore(url, namespace)
    if url == "memory:":
        from shared.projections.memory import MemoryProjectionStore
        return MemoryProjectionStore()
    raise ValueError(f"no projection store for {url!r} (use sqlite:///…, mongodb://… or memory:)")
