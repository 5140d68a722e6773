"""1 · Event-store append, events/s: 1 and 10 events per command, 1 and 4 concurrent writers,
SQLite and MongoDB (FerretDB) adapters.

Baseline: the `eventsourcing` library's SQLite application recorder (its defaults) storing the same
events — each command's events in one `insert_events` call, the envelope bytes as the event state.
Every writer is a separate process appending to streams of its own; a run's rate is all events
over the time from the first writer's start to the last one's end.
"""
from __future__ import annotations

import multiprocessing
import time
import uuid

from bench import events as corpus
from bench.measure import Config, Row, alternate, log, ratio_target, scratch, with_database

CASES = [(1, 1), (10, 1), (1, 4), (10, 4)]  # (events per command, writers)


def ours(url: str):
    from shared import backends
    store = backends.event_store(url, "bench_events")

    def append(stream, events):
        store.append(stream, 0, events)
    return append


def eventsourcing(url: str, synchronous: str | None = None):
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
    from shared.envelope import to_bytes

    datastore = SQLiteDatastore(url, originator_id_type="text")
    if synchronous:  # the same durability as our adapter's (WAL, no fsync at each commit)
        create = datastore.pool._create_connection

        def create_with_pragma():
            connection = create()
            connection._sqlite_conn.execute(f"PRAGMA synchronous={synchronous}")
            return connection
        datastore.pool._create_connection = create_with_pragma
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()

    def append(stream, events):
        recorder.insert_events([StoredEvent(originator_id=stream, originator_version=e.version,
                                            topic=f"{e.family}.{e.type}", state=to_bytes(e)) for e in events])
    return append


def eventsourcing_normal(url: str):
    return eventsourcing(url, "NORMAL")


def _writer(make, url, commands, barrier, results) -> None:
    append = make(url)
    barrier.wait()
    started = time.monotonic()
    for stream, events in commands:
        append(stream, events)
    results.put((started, time.monotonic()))


def run_writers(make, url: str, commands: list, writers: int) -> float:
    """events/s of `writers` processes appending `commands` (split between them) through make(url)."""
    ctx = multiprocessing.get_context("fork")  # the parent holds no database client to inherit
    barrier, results = ctx.Barrier(writers), ctx.Queue()
    shares = [commands[i::writers] for i in range(writers)]
    setup = ctx.Process(target=make, args=(url,))  # creates the schema before the clock starts
    setup.start()
    setup.join()
    processes = [ctx.Process(target=_writer, args=(make, url, share, barrier, results)) for share in shares]
    for p in processes:
        p.start()
    spans = [results.get(timeout=600) for _ in processes]
    for p in processes:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"an append writer failed (exit {p.exitcode})")
    n = sum(len(events) for _, events in commands)
    return n / (max(end for _, end in spans) - min(start for start, _ in spans))


def run(cfg: Config, state: dict) -> list[Row]:
    raw = corpus.corpus(cfg.corpus_scale)
    mongo = state["servers"].mongo()
    rows = []
    for per_command, writers in CASES:
        commands = corpus.commands(raw, cfg.append_events, per_command)
        # FerretDB serves the adapter's stream lookups by scanning the collection: fewer events.
        mongo_commands = commands[:max(writers, len(commands) * cfg.append_mongo_events // cfg.append_events)]
        tmp = scratch("append")

        def fresh(kind: str) -> str:
            name = f"b{uuid.uuid4().hex[:10]}"
            return (with_database(mongo, name) if kind == "mongo" else
                    f"{tmp}/{name}.db" if kind == "eventsourcing" else f"sqlite:///{tmp}/{name}.db")

        medians = alternate(cfg.runs, {
            "eventsourcing": lambda: run_writers(eventsourcing, fresh("eventsourcing"), commands, writers),
            "eventsourcing_normal": lambda: run_writers(eventsourcing_normal, fresh("eventsourcing"), commands,
                                                        writers),
            "sqlite": lambda: run_writers(ours, fresh("sqlite"), commands, writers),
            "mongo": lambda: run_writers(ours, fresh("mongo"), mongo_commands, writers),
        })
        case = f"{per_command} event{'s' if per_command > 1 else ''}/command, {writers} writer{'s' if writers > 1 else ''}"
        log(f"append {case}: " + ", ".join(f"{k} {v:,.0f}" for k, v in medians.items()))
        for kind, label in (("sqlite", "SQLite"), ("mongo", "MongoDB (FerretDB)")):
            row = ratio_target(Row("1 append", f"{label}, {case}", medians[kind], "events/s",
                                   medians["eventsourcing"]), 1.0)
            row.note = f"{medians[kind] / medians['eventsourcing_normal']:.2f}× vs eventsourcing at synchronous=NORMAL"
            if kind == "mongo":
                row.note += f"; {len(mongo_commands) * per_command:,} events per run"
            rows.append(row)
    return rows
