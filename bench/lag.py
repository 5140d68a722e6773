"""5 · End-to-end lag at a steady rate: from an append returning to the event being visible in
the rows reports are computed from (the reporting service's active generation), p50 and p99.

The whole embedded system runs as in `make run`: each service's relay (`python -m services.<s>
relay`) and reporting's consumer (`python -m services.reporting consume`) as processes of their
own. The benchmark appends replicated corpus events at a steady rate to the services' event
stores and, in another thread, polls the projection rows every few milliseconds.
"""
from __future__ import annotations

import threading
import time

from bench import events as corpus
from bench.measure import Config, Row, log, percentile, scratch
from tests.processes import Processes

POLL = 0.005    # seconds between looks at the rows
WARM_UP = 1.0   # seconds at the start whose events are not counted


def run(cfg: Config, state: dict) -> list[Row]:
    from services.reporting.context import ReportingContext
    from services.reporting.projections import PROJECTIONS
    from shared.eventstore.sqlite import SQLiteEventStore

    work = scratch("lag")
    n = int(cfg.lag_seconds * cfg.lag_rate)
    events = list(corpus.recorded(corpus.corpus(cfg.corpus_scale), n))
    settings = {s: corpus.settings(s, work) for s in ("visits", "appraisal", "reporting")}
    stores = {s: SQLiteEventStore(settings[s].event_store_url) for s in ("visits", "appraisal")}
    context = ReportingContext(settings["reporting"])
    processes = Processes(work)
    appended: dict[int, float] = {}
    visible: dict[int, float] = {}
    try:
        for service in ("visits", "appraisal"):
            processes.module(f"{service}-relay", settings[service], "relay")
        processes.module("reporting-consumer", settings["reporting"], "consume")
        time.sleep(3)  # processes up, the consumer subscribed
        for name, p in processes.children.items():
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited: {processes.tail(name)}")
        # Where each event shows: (collection, stream, version), for the events some projection keeps.
        where = {i: [(p.collection, e.stream, e.version) for p in PROJECTIONS if p.handles(e)]
                 for i, e in enumerate(events)}
        done = threading.Event()

        def probe():
            rows = context.rows()
            while not done.is_set() or len(visible) < len(appended):
                sent = list(appended)  # the writer thread keeps adding
                pending = [i for i in sent if i not in visible and where[i]]
                by_collection: dict[str, set] = {}
                for i in pending:
                    for collection, stream, _ in where[i]:
                        by_collection.setdefault(collection, set()).add(stream)
                found = {c: rows.get_many(c, streams) for c, streams in by_collection.items()}
                now = time.monotonic()
                for i in pending:
                    if all(found[c].get(s, {}).get("_version", 0) >= v for c, s, v in where[i]):
                        visible[i] = now
                for i in sent:
                    if not where[i] and i not in visible:
                        visible[i] = appended[i]
                if done.is_set() and time.monotonic() > deadline:
                    break
                time.sleep(POLL)

        deadline = float("inf")
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        log(f"lag: appending {n:,} events at {cfg.lag_rate}/s")
        started = time.monotonic()
        for i, e in enumerate(events):
            delay = started + i / cfg.lag_rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            stores[e.family].append(e.stream, e.version - 1, [e])
            appended[i] = time.monotonic()
        deadline = time.monotonic() + 30
        done.set()
        prober.join()
        achieved = n / (appended[n - 1] - started)
    finally:
        processes.stop_all()
        for store in stores.values():
            store.close()
    counted = [i for i in appended if where[i] and appended[i] - started >= WARM_UP]
    missing = [i for i in counted if i not in visible]
    if missing:
        raise RuntimeError(f"lag: {len(missing)} events never became visible")
    lags = [(visible[i] - appended[i]) * 1000 for i in counted]
    p50, p99 = percentile(lags, 50), percentile(lags, 99)
    log(f"lag: p50 {p50:.0f} ms, p99 {p99:.0f} ms over {len(lags):,} events at {achieved:,.0f} events/s")
    row = Row("5 lag", f"append → visible in report rows, p99 at {cfg.lag_rate} events/s", p99, "ms",
              target="p99 ≤ 1000 ms", note=f"p50 {p50:.0f} ms; {len(lags):,} events, {achieved:,.0f} events/s held")
    row.met = p99 <= 1000
    return [row]
