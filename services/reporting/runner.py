"""The two long-running jobs of reporting: the live consumer and the rebuild (see generations.py)."""
from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Callable

from services.reporting.context import ReportingContext
from shared.bus import BusUnavailable
from shared.consumer import Consumer
from shared.eventstore import StoreUnavailable
from shared.observability import LAG

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (messages just handled, messages still to read)

# A subscription that reads nothing for this long while messages wait is started afresh from
# the group's checkpoint. Kafka can leave a member of a new group without partitions (an
# assignment made from incomplete metadata) for longer than anyone should wait.
STALL_SECONDS = 20.0


class StallWatch:
    """Notices a consumer that makes no progress although it lags, and resubscribes it."""

    def __init__(self, consumer: Consumer, limit: float = STALL_SECONDS):
        self.consumer, self.limit = consumer, limit
        self.since = time.monotonic()

    def saw(self, handled: int, lag: int) -> None:
        if handled or not lag:
            self.since = time.monotonic()
        elif time.monotonic() - self.since > self.limit:
            log.warning("no progress for %.0fs with %s messages waiting: resubscribing", self.limit, lag)
            self.consumer.close()  # the next poll subscribes again, from the committed checkpoint
            self.since = time.monotonic()


def catch_up(consumer: Consumer, progress: Progress | None = None, idle_rounds: int = 2,
             timeout: float = 0.5, within: float | None = None) -> int:
    """Consume until the group has no lag and polls come back empty; returns messages handled.
    With `within` (seconds), gives up with TimeoutError rather than wait for ever."""
    total, idle = 0, 0
    deadline = None if within is None else time.monotonic() + within
    watch = StallWatch(consumer)
    while idle < idle_rounds:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"still {consumer.subscription.lag()} messages behind after {within}s")
        handled = consumer.run_once(timeout=timeout)
        lag = consumer.subscription.lag()
        LAG.labels(consumer.group).set(lag)
        total += handled
        watch.saw(handled, lag)
        if progress:
            progress(handled, lag)
        idle = idle + 1 if handled == 0 and lag == 0 else 0
    return total


def rebuild(context: ReportingContext, progress: Progress | None = None, poll_timeout: float = 0.5) -> int:
    """Build a new generation from the start of the topics, then make it the active one.

    Resumes a rebuild that was killed (same generation, same consumer group). Queries and the
    live consumer use the old generation until the switch; the old one is dropped after it.
    """
    context.bus.ensure_topics(context.topics)
    generation = context.generations.start_building()
    log.info("building generation %s (group %s)", generation, context.group(generation))
    consumer = context.consumer(generation)

    def after_batch(handled: int, remaining: int) -> None:
        gc.collect(1)
        if progress:
            progress(handled, remaining)

    # Python's cyclic collector is off while rebuilding, and the young objects are collected after
    # each batch instead. A batch decodes a thousand events into hundreds of thousands of small
    # dicts and lists (a questionnaire's ratings) that reference counting frees once the batch is
    # applied; the collector, run every 700 allocations, walked them and promoted those still in use
    # to older generations, whose collections then walked them again (rebuild ~1.14× without it,
    # alternating 8 pairs at 100,000 events).
    gc.disable()
    try:
        catch_up(consumer, after_batch, timeout=poll_timeout)
    finally:
        gc.enable()
        consumer.close()
    replaced = context.generations.switch(generation)
    dropped = context.generations.sweep()
    log.info("generation %s active (replaced %s; dropped %s)", generation, replaced, dropped)
    return generation


class LiveConsumer:
    """Feeds the active generation; when a rebuild switches generations, follows it.

    The new generation's group resumes exactly where the rebuild stopped, so nothing is lost
    at the switch; rows the old group wrote after the rebuild dropped its generation are swept.
    """

    def __init__(self, context: ReportingContext, poll_timeout: float = 0.5):
        self.context, self.poll_timeout = context, poll_timeout
        self.generation: int | None = None
        self.consumer: Consumer | None = None
        self._watch: StallWatch | None = None

    def follow_active(self) -> Consumer:
        active = self.context.generations.active
        if active != self.generation or self.consumer is None:
            if self.consumer is not None:
                self.consumer.close()
                self.context.generations.sweep()
            self.generation, self.consumer = active, self.context.consumer(active)
            log.info("consuming into generation %s (group %s)", active, self.context.group(active))
        return self.consumer

    def run_once(self) -> int:
        consumer = self.follow_active()
        handled = consumer.run_once(timeout=self.poll_timeout)
        if not handled:  # only an idle poll asks the bus how far behind it is
            if self._watch is None or self._watch.consumer is not consumer:
                self._watch = StallWatch(consumer)
            lag = consumer.subscription.lag()
            LAG.labels(consumer.group).set(lag)
            self._watch.saw(0, lag)
        elif self._watch is not None:
            self._watch.saw(handled, 0)
        return handled

    def catch_up(self, within: float | None = None) -> int:
        return catch_up(self.follow_active(), timeout=self.poll_timeout, within=within)

    def run_forever(self, stop: threading.Event, max_backoff: float = 10.0) -> None:
        self.context.bus.ensure_topics(self.context.topics)
        backoff = 0.5
        while not stop.is_set():
            try:
                self.run_once()
                backoff = 0.5
            except (BusUnavailable, StoreUnavailable) as exc:
                log.warning("reporting consumer waiting: %s", exc)
                self.close()  # a fresh subscription after the outage, from the committed checkpoint
                stop.wait(backoff)
                backoff = min(max_backoff, backoff * 2)
        self.close()

    def close(self) -> None:
        if self.consumer is not None:
            self.consumer.close()
        self.consumer, self.generation = None, None
