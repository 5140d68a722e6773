"""In-memory bus: the fake for unit tests (one process)."""
from __future__ import annotations

import threading
import time
from typing import Iterable, Sequence

from shared.bus import EventBus, Lane, Message, Subscription


class MemoryBus(EventBus):
    def __init__(self):
        self._lock = threading.Condition()
        self.topics: dict[str, list[Message]] = {}
        self.groups: dict[tuple[str, str], int] = {}

    def ensure_topics(self, topics: Iterable[str]) -> None:
        with self._lock:
            for t in topics:
                self.topics.setdefault(t, [])

    def publish(self, topic: str, messages: Sequence[tuple[str, bytes]]) -> None:
        with self._lock:
            log = self.topics.setdefault(topic, [])
            for key, value in messages:
                log.append(Message(topic, key, value, 0, len(log)))
            self._lock.notify_all()

    def subscribe(self, topics: Sequence[str], group: str, lane: Lane | None = None) -> Subscription:
        return _MemorySubscription(self, list(topics), group, lane)


class _MemorySubscription(Subscription):
    def __init__(self, bus: MemoryBus, topics: list[str], group: str, lane: Lane | None):
        self.bus, self.topics, self.group, self.lane = bus, topics, group, lane
        with bus._lock:
            self.positions = {t: bus.groups.get((group, t), 0) for t in topics}

    def _available(self) -> list[Message]:
        out = []
        for t in self.topics:
            out.extend(self.bus.topics.get(t, [])[self.positions[t]:])
        return out

    def poll(self, timeout: float = 1.0, max_messages: int = 500) -> list[Message]:
        deadline = time.monotonic() + timeout
        with self.bus._lock:
            while True:
                while not self._available() and time.monotonic() < deadline:
                    self.bus._lock.wait(max(0.0, deadline - time.monotonic()))
                batch = self._available()[:max_messages]
                for m in batch:
                    self.positions[m.topic] = m.offset + 1
                kept = batch if self.lane is None else [m for m in batch if self.lane.holds(m.key)]
                if kept or not batch:
                    return kept

    def commit(self) -> None:
        with self.bus._lock:
            for t, p in self.positions.items():
                self.bus.groups[(self.group, t)] = p

    def lag(self) -> int:
        with self.bus._lock:
            return len(self._available())
