"""6 · Peak memory (RSS) of the reporting service holding the projections of the rebuild's events:
its web worker (gunicorn, one worker) answering every report once, and the rebuild process itself
(measured by the rebuild benchmark).

Uses the generation the embedded rebuild left behind when the rebuild benchmark ran; otherwise
(`--only memory`) it makes the projections of `rebuild_events` events without a long rebuild: one
corpus copy is rebuilt (and the first events of a copy, for a partial last one), and its rows are
written once per copy under that copy's ids — the rows a rebuild of the replicated events leaves,
since every row belongs to one aggregate of one copy (`tests/integration/test_bench_memory.py`
checks that they are the same).
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import urllib.request
from dataclasses import replace
from pathlib import Path

from bench import events as corpus
from bench.measure import Config, Row, in_child, log, peak_rss_mb, scratch
from tests.processes import Processes, free_port

REPORTS = ["/reports/overview", "/reports/visits", "/reports/visits/weekly", "/reports/cadres", "/reports/points",
           "/reports/pairings", "/reports/problems", "/reports/problems/overdue", "/reports/appraisal/campaigns"]
PER_CAMPAIGN = ["organs", "dimensions", "responses", "opinions"]
IDS = re.compile(corpus.IDS.pattern.decode())


def run(cfg: Config, state: dict) -> list[Row]:
    if "projections" in state:
        n, projections = state["projections"]
    else:
        n, projections = cfg.rebuild_events, replicated(cfg, cfg.rebuild_events)
    web, reports = measure(projections, n)
    out = [Row("6 memory", f"reporting web worker, every report once, {n:,} events' projections", web, "MB",
               target="≤ 300 MB", met=web <= 300, note=f"{reports} report queries")]
    if "rebuild_rss" in state:
        rebuilt, rss = state["rebuild_rss"]
        out.append(Row("6 memory", f"rebuild, its processes together, {rebuilt:,} events", rss, "MB",
                       target="≤ 300 MB", met=rss <= 300,
                       note="the main process's peak plus each worker process's own peak"))
    return out


def measure(projections: Path, n: int) -> tuple[float, int]:
    """(peak RSS in MB of one gunicorn worker after answering every report, how many reports)."""
    from shared.web.auth import issue_token

    work = scratch("memory")
    settings = replace(corpus.settings("reporting", work, "360000"), projection_url=f"sqlite:///{projections}")
    processes = Processes(work)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = issue_token(corpus.SECRET, "bench", "360000", "admin", ["reporting"], 3600)
    try:
        master = processes.start("reporting", [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                               "-b", f"127.0.0.1:{port}", "services.reporting.wsgi:app"],
                                 settings, {"GUNICORN_WORKERS": "1", "GUNICORN_ACCESS_LOG": "/dev/null",
                                            "GUNICORN_TIMEOUT": "600"})
        processes.wait_ready("reporting", url)
        worker = int(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()[0])

        def get(path: str):
            request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(request, timeout=600) as response:
                body = json.loads(response.read())
            log(f"memory: {path}: worker peak {peak_rss_mb(worker):.0f} MB")
            return body

        campaigns = get("/reports/appraisal/campaigns")
        paths = [p for p in REPORTS if p != "/reports/appraisal/campaigns"]
        campaign = next((r["key"] for r in campaigns.get("rows") or []), None)
        if campaign:
            paths += [f"/reports/appraisal/{campaign}/{p}" for p in PER_CAMPAIGN]
        for path in paths:
            get(path)
        web = peak_rss_mb(worker)
        log(f"memory: reporting worker peak RSS {web:.0f} MB after {len(paths) + 1} reports over {n:,} events")
    finally:
        processes.stop_all()
    return web, len(paths) + 1


# --- projections of many events, by copying the rows of one corpus copy -----------------------------

def replicated(cfg: Config, n: int) -> Path:
    """A projection database holding what a rebuild of the first `n` replicated corpus events leaves."""
    from bench.rebuild import OFFICE, generation_file
    from services.reporting.generations import META
    from shared.projections.sqlite import SCHEMA, SQLiteProjectionStore

    raw = corpus.corpus(cfg.corpus_scale)
    copies, rest = divmod(n, len(raw))
    whole = rebuilt(raw, min(n, len(raw)))
    partial = rebuilt(raw, rest) if rest and copies else None
    target = scratch("memory-projections") / "reporting-views.db"
    log(f"memory: writing the projections of {n:,} events ({copies} corpus copies"
        f"{f' and {rest:,} events' if rest else ''}) for office {OFFICE}")
    source, copy = SQLiteProjectionStore(f"sqlite:///{whole}"), SQLiteProjectionStore(f"sqlite:///{target}")
    copy.put_many(META, source.find(META))  # which generation is active
    source.close()
    copy.close()
    out = sqlite3.connect(generation_file(target), isolation_level=None)
    try:
        out.executescript(SCHEMA)
        out.execute("BEGIN")
        if copies:
            write_copies(out, generation_file(whole), range(copies))
        write_copies(out, generation_file(partial or whole), [copies] if rest else [])
        out.execute("COMMIT")
    finally:
        out.close()
    return target


def rebuilt(raw: list[bytes], n: int) -> Path:
    """The projection database of a rebuild of the first `n` events of corpus copy 0."""
    from bench.rebuild import publish, reporting_settings, timed_rebuild
    from shared.bus.sqlite import SQLiteBus

    work = scratch("memory-rebuild")
    bus = SQLiteBus(f"sqlite:///{work}/bus.db")
    publish(bus, raw, n)
    bus.close()
    in_child(timed_rebuild, reporting_settings(work, bus_url=f"sqlite:///{work}/bus.db"))
    return work / "reporting-views.db"


def write_copies(out: sqlite3.Connection, source: Path, copies) -> None:
    """The rows of the generation file `source` (copy 0's), once under each copy's ids."""
    with sqlite3.connect(source) as conn:
        rows = [(c, IDS.split(i), IDS.split(body)) for c, i, body in conn.execute("SELECT collection, id, body FROM docs")]
    for k in copies:
        suffix = "%06x" % k
        out.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                        ((c, with_suffix(i, suffix), with_suffix(body, suffix)) for c, i, body in rows))


def with_suffix(parts: list[str], suffix: str) -> str:
    """Text split around ids (`IDS.split`), joined with every id's last six digits set to `suffix`,
    as `corpus.Replica.copy` does to an event."""
    parts = parts[:]
    parts[1::2] = [id_[:-6] + suffix for id_ in parts[1::2]]
    return "".join(parts)
