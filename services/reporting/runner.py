"""The two long-running jobs of reporting: the live consumer and the rebuild (see generations.py)."""
from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from queue import Empty
from typing import Callable

from services.reporting.context import ReportingContext
from shared.bus import BusUnavailable, Lane
from shared.config import available_cpus
from shared.consumer import Consumer
from shared.eventstore import StoreUnavailable
from shared.observability import LAG, configure_logging

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (messages just handled, messages still to read)

# A subscription that reads nothing for this long while messages wait is started afresh from
# the group's checkpoint. Kafka can leave a member of a new group without partitions (an
# assignment made from incomplete metadata) for longer than anyone should wait.
STALL_SECONDS = 20.0

# A rebuild folds this many bytes of messages before it writes (see `Consumer`'s `hold`). Rows
# written a thousand at a time cost SQLite about a page each (their ids are random, so each lands
# on a page of its own, written to the log and again at the checkpoint); written many thousands
# at a time they share pages, and a row that several events change (a problem referred, then
# resolved) is written once. The visits topic wrote 1.8 GB instead of 4.7 GB, 1.57× as fast.
# The rows held are a small part of the messages' size; a poll decodes at most 4 MB.
REBUILD_HOLD = 8 * 1024 * 1024


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


def rebuild(context: ReportingContext, progress: Progress | None = None, poll_timeout: float = 0.5,
            processes: int | None = None) -> int:
    """Build a new generation from the start of the topics, then make it the active one.

    Resumes a rebuild that was killed (same generation, same consumer group). Queries and the
    live consumer use the old generation until the switch; the old one is dropped after it.
    On the embedded backend the streams are shared among processes (see `rebuild_lanes`; at most
    `processes`, by default as many as there are CPUs).
    """
    context.bus.ensure_topics(context.topics)
    generation = context.generations.start_building()
    log.info("building generation %s (group %s)", generation, context.group(generation))
    # A generation without rows yet is written by this rebuild alone (see `Consumer`'s `fresh`);
    # one a killed rebuild left is not.
    fresh = generation not in context.generations.known()
    lanes = rebuild_lanes(context, processes)
    if lanes == 1:
        fill(context, generation, progress=progress, poll_timeout=poll_timeout, fresh=fresh)
    else:
        fill_in_lanes(context, generation, lanes, progress, poll_timeout, fresh)
    replaced = context.generations.switch(generation)
    dropped = context.generations.sweep()
    log.info("generation %s active (replaced %s; dropped %s)", generation, replaced, dropped)
    return generation


# Lanes beyond this many: not measured (this machine has two cores). They share the generation's one
# database file; two lanes waited under a second in all for each other's writes at 1,000,000 events.
MAX_LANES = 4


def rebuild_lanes(context: ReportingContext, processes: int | None = None) -> int:
    """How many processes a rebuild runs, each consuming one lane of the streams (`Lane`).

    As many as there are CPUs, on the embedded backend (SQLite bus and projections): there its
    lanes' checkpoints are merged once all are done (`SQLiteBus.join_lanes`), and processes share
    the files. Every process subscribes to every message, but is handed, decodes and applies only
    its lane's (the bus passes over the others), so the work is shared evenly whatever the topics
    cost: a process per topic, as before, waited on the visits topic (nine events in ten, 27 CPU
    seconds at 1,000,000) long after the appraisal topic was done (11 CPU seconds).

    Elsewhere one process reads every topic: on Kafka a group's members share its partitions, and
    a member left without any while the group rebalances could believe itself caught up; in-memory
    backends live in one process.
    """
    settings = context.settings
    embedded = settings.bus_url.startswith("sqlite:") and settings.projection_url.startswith("sqlite:")
    return min(MAX_LANES, processes or available_cpus()) if embedded else 1


def fill(context: ReportingContext, generation: int, lane: Lane | None = None, progress: Progress | None = None,
         poll_timeout: float = 0.5, fresh: bool = False) -> None:
    """Consume every topic (or one `lane` of it) into `generation` until caught up."""
    consumer = context.consumer(generation, hold=REBUILD_HOLD, building=True, lane=lane, fresh=fresh)

    collected = time.monotonic()

    def after_batch(handled: int, remaining: int) -> None:
        nonlocal collected
        if time.monotonic() - collected >= 1.0:
            gc.collect(1)
            collected = time.monotonic()
        if progress:
            progress(handled, remaining)

    # Python's cyclic collector is off while rebuilding, and the young objects are collected once a
    # second instead. A batch decodes a thousand events into hundreds of thousands of small dicts
    # and lists (a questionnaire's ratings) that reference counting frees once the batch is applied;
    # the collector, run every 700 allocations, walked them and promoted those still in use to older
    # generations, whose collections then walked them again (rebuild ~1.14× without it, alternating
    # 8 pairs at 100,000 events). Collecting after every batch still cost a tenth of the appraisal
    # topic's rebuild (and freed nothing that showed in its peak memory): the rows a consumer holds
    # across polls were walked again at each one.
    gc.disable()
    try:
        catch_up(consumer, after_batch, timeout=poll_timeout)
        # The consumer commits after what it applied; a lane's last polls may have passed over only
        # other lanes' messages, and its checkpoint goes past them too.
        consumer.subscription.commit()
    finally:
        gc.enable()
        consumer.close()


def fill_in_lanes(context: ReportingContext, generation: int, lanes: int, progress: Progress | None,
                  poll_timeout: float, fresh: bool = False) -> None:
    """`fill` each lane of the streams in a process of its own, wait for them all, then give the
    generation's group the checkpoint that all of them have reached.

    Their progress comes back over a queue, as (lane, handled, remaining, error): the messages
    handled are the lanes' together, those remaining the most any lane has left (each counts
    every message past its position, its lane's or not). A lane that fails stops the others and
    its error is raised here; the generation stays `building`, so the next rebuild resumes every
    lane from its checkpoint.
    """
    group, bus = context.group(generation), context.bus
    all_lanes = [Lane(i, lanes) for i in range(lanes)]
    lane_groups = [lane.group(group) for lane in all_lanes]
    bus.start_lanes(group, lane_groups, context.topics)
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or sockets forked
    queue = spawn.Queue()
    workers = [spawn.Process(target=_fill_lane, name=f"rebuild lane {lane.index + 1} of {lanes}", daemon=True,
                             args=(context.settings, context.regions, generation, lane, poll_timeout, fresh,
                                   queue, os.getpid()))
               for lane in all_lanes]
    for worker in workers:
        worker.start()
    remaining = [0] * lanes
    failure: BaseException | None = None
    try:
        while failure is None and (any(w.is_alive() for w in workers) or not queue.empty()):
            # A worker that died is a failure at once: killed while it held the queue's lock, it
            # would leave the others unable to finish their last put, and so to exit.
            failed = [w for w in workers if w.exitcode not in (None, 0)]
            if failed:
                failure = _queued_error(queue) or RuntimeError(f"{failed[0].name} exited with code "
                                                               f"{failed[0].exitcode}")
                break
            try:
                index, handled, remains, error = queue.get(timeout=0.2)
            except Empty:
                continue
            if error is not None:
                failure = error
                continue
            remaining[index] = remains
            if progress:
                progress(handled, max(remaining))
        if failure is None:
            failed = [w for w in workers if w.exitcode != 0]
            if failed:
                failure = RuntimeError(f"{failed[0].name} exited with code {failed[0].exitcode}")
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    if failure is not None:
        raise failure
    bus.join_lanes(group, lane_groups, context.topics)


def _queued_error(queue) -> BaseException | None:
    """The first error a worker queued before it exited, if any, looked for during a second (its
    last puts are in the pipe by the time it has exited, unless it was killed)."""
    deadline = time.monotonic() + 1.0
    while (wait := deadline - time.monotonic()) > 0:
        try:
            *_, error = queue.get(timeout=wait)
        except Empty:
            return None
        if error is not None:
            return error
    return None


def _fill_lane(settings, regions, generation: int, lane: Lane, poll_timeout: float, fresh: bool, queue,
               parent: int) -> None:
    """One process of `fill_in_lanes`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends the workers
    configure_logging()
    _keep_freed_memory()
    context = ReportingContext(settings, regions)

    def report(handled: int, remaining: int) -> None:
        if os.getppid() != parent:  # the rebuild was killed: stop rather than go on unattended
            raise SystemExit(f"rebuild lane {lane.index + 1} of {lane.count} stopped: its parent process is gone")
        queue.put((lane.index, handled, remaining, None))

    try:
        fill(context, generation, lane, report, poll_timeout, fresh)
    except Exception as exc:
        log.exception("rebuilding lane %s of %s failed", lane.index + 1, lane.count)
        queue.put((lane.index, 0, 0, exc))
        raise SystemExit(1) from None


M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter


def _keep_freed_memory() -> None:
    """Have the C allocator keep the memory it frees, up to 256 MB, for the process to use again.

    Each batch a lane polls frees most of what it allocated, and glibc gave the top of its heap
    back to the system after one batch only to fault it in again for the next: 140,000 page faults
    in a lane of 1,000,000 events, 24,000 with this. A lane's process exits once it is done, so the
    memory is not kept for long. (A C library without `mallopt` is left as it is.)"""
    try:
        ctypes.CDLL(None).mallopt(M_TRIM_THRESHOLD, 256 << 20)
    except (OSError, AttributeError):
        pass


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
