"""In-memory event store: the fake for unit tests, and the reference the contract tests pin down."""
from __future__ import annotations

import threading
from typing import Sequence

from shared.envelope import Recorded
from shared.eventstore import ConcurrencyError, EventStore, check_versions


class MemoryEventStore(EventStore):
    def __init__(self):
        self._lock = threading.Lock()
        self._log: list[Recorded] = []
        self._streams: dict[str, list[Recorded]] = {}
        self._checkpoints: dict[str, int] = {}

    def append(self, stream: str, expected_version: int, events: Sequence[Recorded]) -> list[Recorded]:
        check_versions(stream, expected_version, events)
        with self._lock:
            current = len(self._streams.get(stream, ()))
            if current != expected_version:
                raise ConcurrencyError(stream, expected_version, current)
            stored = [e.at(len(self._log) + i) for i, e in enumerate(events, start=1)]
            self._log.extend(stored)
            self._streams.setdefault(stream, []).extend(stored)
            return stored

    def read_stream(self, stream: str) -> list[Recorded]:
        with self._lock:
            return list(self._streams.get(stream, ()))

    def read_after(self, position: int, limit: int = 1000) -> list[Recorded]:
        with self._lock:
            return self._log[position:position + limit]

    def get_checkpoint(self, name: str) -> int:
        return self._checkpoints.get(name, 0)

    def set_checkpoint(self, name: str, position: int) -> None:
        self._checkpoints[name] = position
