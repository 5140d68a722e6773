"""4 · Projection rebuild: reporting's `rebuild` from the start of the topics, in events/s.

Embedded (SQLite bus → SQLite projections) and distributed (Kafka → MongoDB adapter on FerretDB).
Baseline: a raw bulk write of the documents that rebuild produced — the rows as the projection
store keeps them, written into an empty store in one go (SQLite `executemany` in one transaction;
pymongo `insert_many`). Each rebuild runs in a fresh interpreter, which also gives its peak RSS.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from bench import events as corpus
from bench.measure import Config, Row, in_child, log, peak_rss_mb, scratch, with_database

OFFICE = "360000"   # the province: every event of the (Ganzhou) demo lies within its jurisdiction
POLL_TIMEOUT = 0.1  # rebuild stops after two empty polls: keep that tail short


def publish(bus, raw: list[bytes], n: int, prefix: str = "shuangwan", chunk: int = 5000) -> None:
    """Put n replicated corpus events on `bus`, each family's on its topic, in order."""
    from shared.bus import topic_for

    pending: list[tuple[str, str, bytes]] = []

    def flush():
        for family, run in groupby(pending, key=lambda m: m[0]):
            bus.publish(topic_for(family, prefix), [(key, value) for _, key, value in run])
        pending.clear()

    for message in corpus.replicate(raw, n):
        pending.append(message)
        if len(pending) >= chunk:
            flush()
    flush()


def reporting_settings(data_dir: Path, bus_url: str | None = None, projection_url: str | None = None,
                       prefix: str = "shuangwan"):
    settings = corpus.settings("reporting", data_dir, OFFICE)
    return replace(settings, topic_prefix=prefix, bus_url=bus_url or settings.bus_url,
                   projection_url=projection_url or settings.projection_url)


def timed_rebuild(settings) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS in MB) of one rebuild; meant to run in a fresh interpreter.
    CPU time varies far less than wall time on a shared machine: it compares code versions.
    On the embedded backend the rebuild runs a worker process per lane of the streams: the CPU
    seconds are theirs and this process's, and the RSS is this process's peak plus each of its
    child processes' own peak (read every 0.1 s while it runs): at least what they held at once,
    and at most that plus what one of them gained in its last tenth of a second."""
    from services.reporting.context import ReportingContext
    from services.reporting.runner import rebuild

    context = ReportingContext(settings)
    peaks: dict[int, float] = {}
    done = threading.Event()

    def watch_children() -> None:
        while not done.wait(0.1):
            for pid in _children():
                try:
                    peaks[pid] = peak_rss_mb(pid)
                except (OSError, RuntimeError):
                    pass  # it ended between the listing and the read

    watcher = threading.Thread(target=watch_children, daemon=True)
    watcher.start()
    started, cpu, before = time.perf_counter(), time.process_time(), os.times()
    try:
        rebuild(context, poll_timeout=POLL_TIMEOUT)
    finally:
        done.set()
        watcher.join()
    after = os.times()
    children = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - started, time.process_time() - cpu + children, peak_rss_mb() + sum(peaks.values())


def _children() -> list[int]:
    """This process's child processes."""
    pids = []
    for task in Path("/proc/self/task").iterdir():
        try:
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass  # a thread that ended between the listing and the read (it stopped the watcher once)
    return pids


def timed_read(bus_url: str, topics: list[str]) -> float:
    """Seconds to read every message of `topics` off the bus and parse each envelope's JSON, and
    nothing else, in one process: a ceiling for a rebuild in one process on this machine (the
    embedded rebuild shares the streams among processes). Meant for a fresh interpreter."""
    import orjson

    from shared.backends import event_bus

    bus = event_bus(bus_url)
    subscription = bus.subscribe(topics, f"read-{uuid.uuid4().hex[:8]}")
    started = time.perf_counter()
    while batch := subscription.poll(timeout=POLL_TIMEOUT, max_messages=1000):
        for message in batch:
            orjson.loads(message.value)
    seconds = time.perf_counter() - started
    bus.close()
    return seconds


def profile_rebuild(settings, html: str) -> None:
    """The same rebuild under pyinstrument, its report written to `html`."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    timed_rebuild(settings)
    profiler.stop()
    Path(html).write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])


def generation_file(projections: Path) -> Path:
    """The database file of the active generation of the SQLite projection store `projections`."""
    from services.reporting.generations import Generations, part_of
    from shared.projections.sqlite import SQLiteProjectionStore

    store = SQLiteProjectionStore(f"sqlite:///{projections}")
    try:
        return Path(store.part_path(part_of(Generations(store).active)))
    finally:
        store.close()


def sqlite_rows(path: Path) -> list[tuple]:
    """Every row of a generation's database file, as (collection, id, body)."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT collection, id, body FROM docs").fetchall()


def bulk_sqlite(path: Path, rows: list[tuple]) -> float:
    """Seconds to write `rows` into an empty SQLite projection table (same schema and pragmas)."""
    from shared.projections.sqlite import SCHEMA
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO docs (collection, id, body) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def embedded(cfg: Config, state: dict) -> list[Row]:
    n, raw = cfg.rebuild_events, corpus.corpus(cfg.corpus_scale)
    tmp = scratch("rebuild")
    from shared.bus import topic_for
    from shared.bus.sqlite import SQLiteBus
    log(f"rebuild (embedded): publishing {n:,} events to the SQLite bus")
    bus = SQLiteBus(f"sqlite:///{tmp}/bus.db")
    publish(bus, raw, n)
    bus.close()
    read = n / in_child(timed_read, f"sqlite:///{tmp}/bus.db", [topic_for(f) for f in ("visits", "appraisal")])
    log(f"rebuild (embedded): one process reading and parsing alone {read:,.0f} events/s")
    ours, base, rss, cpus = [], [], [], []
    for i in range(cfg.rebuild_runs):
        run_dir = tmp / f"run{i}"
        run_dir.mkdir()
        settings = reporting_settings(run_dir, bus_url=f"sqlite:///{tmp}/bus.db")
        seconds, cpu, peak = in_child(timed_rebuild, settings)
        ours.append(n / seconds)
        rss.append(peak)
        cpus.append(n / cpu)
        rows = sqlite_rows(generation_file(run_dir / "reporting-views.db"))
        base.append(n / bulk_sqlite(run_dir / "bulk.db", rows))
        log(f"rebuild (embedded) run {i + 1}: {ours[-1]:,.0f} events/s ({cpus[-1]:,.0f} per CPU second), "
            f"bulk write {base[-1]:,.0f} events/s ({len(rows):,} rows), peak RSS {peak:.0f} MB")
        if i < cfg.rebuild_runs - 1:
            for f in run_dir.iterdir():
                f.unlink()
    if cfg.profile == "rebuild":
        profile_dir = tmp / "profile"
        profile_dir.mkdir()
        in_child(profile_rebuild, reporting_settings(profile_dir, bus_url=f"sqlite:///{tmp}/bus.db"),
                 str(Path("var/bench/rebuild-profile.html").resolve()))
    state["rebuild_rss"] = (n, max(rss))
    from statistics import median
    row = Row("4 rebuild", f"embedded (SQLite bus → SQLite), {n:,} events", median(ours), "events/s",
              median(base), target="≥ 50,000 events/s",
              note=f"{median(cpus):,.0f} events per CPU second; one process reading and parsing the events "
                   f"alone {read:,.0f} events/s; {len(rows):,} rows; "
                   f"{cfg.rebuild_runs} run{'s' if cfg.rebuild_runs > 1 else ''}")
    row.met = row.ours >= 50_000
    state["projections"] = (n, run_dir / "reporting-views.db")
    return [row]


def mongo_docs(url: str) -> dict[str, list[dict]]:
    """Every projection document as stored (generation collections only), by collection."""
    from shared.mongo import database
    db = database(url, "reporting_projections")
    return {c: list(db[c].find()) for c in db.list_collection_names() if c != "meta"}


def bulk_mongo(url: str, docs: dict[str, list[dict]]) -> float:
    """Seconds to insert `docs` into an empty database, one `insert_many` per collection."""
    from shared.mongo import database
    db = database(url, "bulk")
    started = time.perf_counter()
    for collection, batch in docs.items():
        if batch:
            db[collection].insert_many(batch, ordered=False)
    return time.perf_counter() - started


def distributed(cfg: Config, state: dict) -> list[Row]:
    from shared.bus.kafka import KafkaBus
    from shared.bus import topic_for

    n, raw = cfg.rebuild_kafka_events, corpus.corpus(cfg.corpus_scale)
    bootstrap, mongo = state["servers"].kafka(), state["servers"].mongo()
    prefix = f"b{uuid.uuid4().hex[:10]}"
    bus = KafkaBus(f"kafka://{bootstrap}")
    bus.ensure_topics([topic_for(f, prefix) for f in ("visits", "appraisal")])
    log(f"rebuild (distributed): publishing {n:,} events to Kafka")
    publish(bus, raw, n, prefix)
    bus.close()
    ours, base = [], []
    for i in range(cfg.rebuild_runs):
        url = with_database(mongo, f"b{uuid.uuid4().hex[:10]}")
        settings = reporting_settings(scratch("rebuild-kafka"), bus_url=f"kafka://{bootstrap}",
                                      projection_url=url, prefix=prefix)
        seconds, _, _ = in_child(timed_rebuild, settings)
        docs = mongo_docs(url)
        ours.append(n / seconds)
        base.append(n / bulk_mongo(url, docs))
        log(f"rebuild (distributed) run {i + 1}: {ours[-1]:,.0f} events/s, bulk write {base[-1]:,.0f} events/s "
            f"({sum(map(len, docs.values())):,} documents)")
    from statistics import median
    return [Row("4 rebuild", f"Kafka → MongoDB adapter (FerretDB), {n:,} events", median(ours), "events/s",
                median(base), target="ratio reported",
                note=f"{cfg.rebuild_runs} run{'s' if cfg.rebuild_runs > 1 else ''}")]


def run(cfg: Config, state: dict) -> list[Row]:
    return embedded(cfg, state) + (distributed(cfg, state) if cfg.rebuild_kafka_events else [])
