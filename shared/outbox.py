"""The outbox relay: every stored event reaches the bus at least once, in stream order.

The event store is its own outbox: the relay publishes what lies beyond its checkpoint, in
global order, and moves the checkpoint only after the bus has confirmed. A crash between the
two republishes a batch (consumers are idempotent); nothing is ever published that was not
stored, because the relay reads only from the store. While the bus is down, events simply
wait in the store.
"""
from __future__ import annotations

import logging
import threading

from shared.bus import BusUnavailable, EventBus, topic_for
from shared.envelope import to_bytes
from shared.eventstore import EventStore, StoreUnavailable
from shared.observability import PUBLISHED

log = logging.getLogger(__name__)

CHECKPOINT = "outbox"


class OutboxRelay:
    def __init__(self, store: EventStore, bus: EventBus, topic_prefix: str = "shuangwan"):
        self.store, self.bus, self.topic_prefix = store, bus, topic_prefix
        self.published = 0  # events published by this relay since it started (for metrics)

    def run_once(self, batch: int = 2000) -> int:
        """Publish the next batch; returns how many events went out (0: nothing pending)."""
        self.store.sequence_pending()
        position = self.store.get_checkpoint(CHECKPOINT)
        events = self.store.read_after(position, batch)
        if not events:
            return 0
        # One call per family's topic (each waits for the broker's acknowledgement): a stream
        # belongs to one family, so every stream keeps its order; order across topics is no promise.
        by_family: dict[str, list] = {}
        for e in events:
            by_family.setdefault(e.family, []).append((e.stream, to_bytes(e)))
        for family, messages in by_family.items():
            self.bus.publish(topic_for(family, self.topic_prefix), messages)
        self.store.set_checkpoint(CHECKPOINT, events[-1].position)
        self.published += len(events)
        for family, messages in by_family.items():
            PUBLISHED.labels(family).inc(len(messages))
        return len(events)

    def drain(self) -> int:
        """Publish until nothing is pending (used by tests and by the demo loader)."""
        total = 0
        while n := self.run_once():
            total += n
        return total

    def run_forever(self, stop: threading.Event, idle: float = 0.1, max_backoff: float = 5.0) -> None:
        backoff = idle
        while not stop.is_set():
            try:
                sent = self.run_once()
                backoff = idle
                if not sent:
                    stop.wait(idle)
            except (BusUnavailable, StoreUnavailable) as exc:
                log.warning("outbox relay waiting: %s", exc)
                stop.wait(backoff)
                backoff = min(max_backoff, backoff * 2)
