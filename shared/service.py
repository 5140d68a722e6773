"""What every write service is built from: its settings, event store, views and repository,
the relay loop that carries its events to the bus, and its command line (`main`)."""
from __future__ import annotations

import logging
import signal
import sys
import threading
from functools import cached_property
from typing import Callable, Iterable

from shared import backends
from shared.aggregate import Aggregate
from shared.application import EventSourcedRepository, ViewCatchUp
from shared.bus import EventBus, topic_for
from shared.config import Settings
from shared.events import EventRegistry
from shared.observability import configure_logging, serve_metrics
from shared.outbox import OutboxRelay

log = logging.getLogger(__name__)


class ServiceContext:
    def __init__(self, settings: Settings, registry: EventRegistry, aggregate_types: Iterable[type[Aggregate]]):
        self.settings, self.registry = settings, registry
        self.aggregate_types = list(aggregate_types)

    @cached_property
    def store(self):
        return backends.event_store(self.settings.event_store_url, f"{self.settings.service}_events")

    @cached_property
    def views(self):
        return backends.projection_store(self.settings.projection_url, f"{self.settings.service}_views")

    @cached_property
    def repository(self) -> EventSourcedRepository:
        return EventSourcedRepository(self.store, self.registry, self.views, self.settings.office_region,
                                      self.aggregate_types)

    @cached_property
    def bus(self) -> EventBus:
        return backends.event_bus(self.settings.bus_url)

    @property
    def topic(self) -> str:
        return topic_for(self.registry.family, self.settings.topic_prefix)

    def ready(self) -> None:
        self.store.get_checkpoint("outbox")

    def relay(self) -> OutboxRelay:
        return OutboxRelay(self.store, self.bus, self.settings.topic_prefix)

    def run_relay(self, stop: threading.Event | None = None) -> None:
        """Publish stored events to the bus and repair views, until stopped (SIGTERM/SIGINT)."""
        stop = stop or _stop_on_signals()
        serve_metrics()
        self.bus.ensure_topics([self.topic])
        catch_up = ViewCatchUp(self.repository)
        relay = self.relay()
        thread = threading.Thread(target=relay.run_forever, args=(stop,), name="outbox", daemon=True)
        thread.start()
        log.info("%s relay publishing to %s", self.settings.service, self.topic)
        while not stop.is_set():
            try:
                if not catch_up.run_once():
                    stop.wait(0.5)
            except Exception:  # storage hiccup: try again shortly, never die
                log.exception("view catch-up failed; retrying")
                stop.wait(2)
        thread.join(timeout=10)


COMMANDS = {
    "relay": "publish stored events to the bus and repair views (run exactly one per store)",
    "reindex": "after restoring the event store from backup, with the service stopped: derive the "
               "store's own indexes again (MongoDB: pending markers and position log)",
}


def main(service: str, context: Callable[[], ServiceContext], argv: list[str] | None = None) -> None:
    """`python -m services.<service> relay|reindex`; the service's context is made only for a
    valid command (it opens the stores)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in COMMANDS:
        sys.exit(f"usage: python -m services.{service} {'|'.join(COMMANDS)}\n" +
                 "\n".join(f"  {name}: {what}" for name, what in COMMANDS.items()))
    configure_logging()
    if argv[0] == "relay":
        context().run_relay()
    else:
        context().store.reindex()
        log.info("%s event store reindexed", service)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
