"""The event store port: append-only streams, one per aggregate, with a global order.

`append` stores all events of one command or none, and only if the stream is still at
`expected_version` (optimistic concurrency); otherwise it raises `ConcurrencyError`.
`read_after` walks every stream in the order the outbox must publish it; the events of one
stream always appear there in stream order.
"""
from __future__ import annotations

import abc
from datetime import datetime
from typing import Sequence

import orjson

from shared.envelope import Recorded


class ConcurrencyError(Exception):
    """The stream moved on since the caller read it (HTTP 409)."""

    def __init__(self, stream: str, expected: int, actual: int | None = None):
        detail = f", it is at {actual}" if actual is not None else ""
        super().__init__(f"stream {stream} was expected at version {expected}{detail}")
        self.stream, self.expected, self.actual = stream, expected, actual


class StoreUnavailable(Exception):
    """The storage server cannot be reached (HTTP 503); nothing was written."""


class EventStore(abc.ABC):
    @abc.abstractmethod
    def append(self, stream: str, expected_version: int, events: Sequence[Recorded]) -> list[Recorded]:
        """Store `events` (versions expected+1, expected+2, …) atomically; return them positioned if known."""

    @abc.abstractmethod
    def read_stream(self, stream: str) -> list[Recorded]:
        """All events of one stream, in version order; [] for a stream that does not exist."""

    @abc.abstractmethod
    def read_after(self, position: int, limit: int = 1000) -> list[Recorded]:
        """Up to `limit` sequenced events with a global position greater than `position`, in order."""

    def sequence_pending(self) -> int:
        """Give global positions to appended events that have none yet; returns how many.

        Stores whose append already assigns positions (SQLite) have nothing to do. Only one
        process may call this at a time: the outbox relay of the service.
        """
        return 0

    def reindex(self) -> None:
        """Derive again whatever the adapter keeps beside its record, from the record alone: after
        a restore from backup, with the service's processes stopped. Nothing, unless an adapter
        keeps such indexes (MongoDB: its pending markers and position log)."""

    @abc.abstractmethod
    def get_checkpoint(self, name: str) -> int:
        """A named position (e.g. what the outbox relay has published); 0 if never set."""

    @abc.abstractmethod
    def set_checkpoint(self, name: str, position: int) -> None: ...

    def close(self) -> None:
        pass


def check_versions(stream: str, expected_version: int, events: Sequence[Recorded]) -> None:
    """Guard the adapters share: the events must continue the stream from expected_version."""
    if not events:
        raise ValueError("nothing to append")
    for offset, event in enumerate(events, start=1):
        if event.stream != stream or event.version != expected_version + offset:
            raise ValueError(f"event {event.id} does not continue stream {stream} at {expected_version + offset}")


def event_to_row(event: Recorded) -> dict:
    """The flat, JSON-safe record both persistent adapters keep (payload as JSON text)."""
    return {
        "id": event.id, "family": event.family, "type": event.type,
        "schema_version": event.schema_version, "stream": event.stream, "version": event.version,
        "data": orjson.dumps(event.data).decode(),  # compact UTF-8 JSON, as the envelope's
        "time": event.time.isoformat(), "region": event.region, "tier": event.tier,
        "source": event.source,
    }


def row_to_event(row, position: int | None = None) -> Recorded:
    return Recorded(
        id=row["id"], family=row["family"], type=row["type"], schema_version=row["schema_version"],
        stream=row["stream"], version=row["version"], data=orjson.loads(row["data"]),
        time=datetime.fromisoformat(row["time"]), region=row["region"], tier=row["tier"],
        source=row["source"], position=position,
    )
