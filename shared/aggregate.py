"""Aggregates: consistency boundaries whose state is rebuilt from their own events.

A command method checks the rules against the current state and, if they hold, records new
events with `_record(type, **data)`. The same `on_<Type>` method applies an event both when it
is recorded and when the aggregate is rebuilt from its stream, so there is one place that says
what an event means for the state. Payloads are validated and made JSON-ready (dates as ISO
strings) by the aggregate's event registry as they are recorded, so `on_<Type>` always sees the
same shape, whether the event is new or read back.
"""
from __future__ import annotations

from typing import Iterable

from shared.envelope import Recorded
from shared.events import EventRegistry


class DomainError(Exception):
    """A command the rules do not allow (HTTP 409 unless a subclass says otherwise)."""

    status = 409
    code = "rule_violated"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvalidCommand(DomainError):
    """A command whose content is wrong (HTTP 422), naming the field."""

    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Aggregate:
    #: prefix of this aggregate type's stream ids, e.g. "visit" → "visit-2f1c…"
    stream_prefix: str = ""
    #: the registry holding this aggregate's event types
    events: EventRegistry

    def __init__(self, id: str):
        self.id = id
        self.version = 0          # version of the last event applied
        self.region: str = ""     # the region code this aggregate concerns; set by its first event
        self.pending: list[tuple[str, dict]] = []  # (type, payload encoded by `_record`), to be saved

    @property
    def stored_version(self) -> int:
        """The stream version before the pending events: what an append must expect."""
        return self.version - len(self.pending)

    def _record(self, type: str, **data) -> None:
        _, data = self.events.encode(type, data)
        self._apply(type, data)
        self.version += 1
        self.pending.append((type, data))

    def _apply(self, type: str, data: dict) -> None:
        handler = getattr(self, f"on_{type}", None)
        if handler is None:
            raise TypeError(f"{self.__class__.__name__} has no on_{type}")
        handler(data)

    @classmethod
    def rebuild(cls, id: str, events: Iterable[Recorded]):
        aggregate = cls(id)
        for event in events:
            aggregate._apply(event.type, event.data)
            aggregate.version = event.version
        return aggregate if aggregate.version else None

    def view(self) -> dict:
        """The current state as a document for lists and reads (override to add fields)."""
        return {}
