"""Soak: a fixed rate of requests for a bounded time, from a process of its own on loopback, against
the whole office as production runs it (gunicorn, relays, the reporting consumer) — on the
embedded default and on Kafka + the MongoDB protocol.

Zero 5xx (zero failed requests at all), zero lost events: what the reports count equals what
the services acknowledged, and every stored event is on the bus. Selected with `-m soak`; part
of `make test`. The figures go to test-artifacts/reliability/.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.reliability.support import ROOT, Stack, record, wait_until

# (requests per second, seconds) per backend. The distributed rate is bounded by the tests'
# MongoDB-protocol server: FerretDB v1 on SQLite scans a collection where MongoDB uses an index,
# so a write's cost grows with the data (in process, a visit takes ~12 ms with none stored and
# ~240 ms with 300); 6/s for 30 s stays within what it sustains on a shared two-core machine.
LOAD = {"embedded": (25, 30), "distributed": (6, 30)}


@pytest.mark.soak
def test_soak(backend, procs, tmp_path):
    rate, duration = LOAD[backend.kind]
    stack = Stack(backend, procs).start(workers=2)
    cadre = stack.organ_and_cadre()
    cid, batch = stack.campaign_with_paper_batch()
    out = tmp_path / "load.json"
    started = time.monotonic()
    load = subprocess.run(
        [sys.executable, "-m", "tests.reliability.load", "--visits", stack.urls["visits"],
         "--appraisal", stack.urls["appraisal"], "--cadre", cadre, "--batch", batch,
         "--rate", str(rate), "--duration", str(duration), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=duration + 120)
    assert load.returncode == 0, load.stderr[-3000:]
    result = json.loads(out.read_text())
    entries = result["results"]
    statuses = Counter(e["status"] for e in entries)
    failed = [e for e in entries if e["status"] not in (200, 201)]
    assert len(entries) == rate * duration
    assert not failed, failed[:10]

    visits = {e["id"] for e in entries if e["kind"] == "visit"}
    responses = sum(1 for e in entries if e["kind"] == "response")
    counted = wait_until(
        lambda: (t := stack.visit_totals())["visits"] == len(visits) and stack.responses_total(cid) == responses and t,
        180, "the reports to count every acknowledged write")
    settled = time.monotonic() - started - result["elapsed"]
    for service in ("visits", "appraisal"):
        stored = stack.settled(service)
        assert {e.id for e in stack.published(service)} == {e.id for e in stored}, service
    assert {e.stream for e in stack.stored("visits") if e.type == "VisitLogged"} == visits  # none more, none less

    latencies = sorted(e["ms"] for e in entries)
    figures = {
        "backend": backend.kind, "rate_per_s": rate, "duration_s": duration, "elapsed_s": result["elapsed"],
        "requests": len(entries), "by_status": {str(k): v for k, v in statuses.items()},
        "5xx": sum(v for k, v in statuses.items() if k and k >= 500), "failed": len(failed),
        "visits_acknowledged": len(visits), "visits_counted": counted["visits"],
        "responses_acknowledged": responses, "responses_counted": stack.responses_total(cid),
        "lost": len(visits) - counted["visits"] + responses - stack.responses_total(cid),
        "latency_ms": {"p50": statistics.median(latencies), "p95": latencies[int(len(latencies) * 0.95)],
                       "p99": latencies[int(len(latencies) * 0.99)], "max": latencies[-1]},
        "max_late_ms": max(e["late_ms"] for e in entries),
        "reports_settled_after_s": round(settled, 1),
    }
    record(f"soak-{backend.kind}", figures)
    assert figures["lost"] == 0 and figures["5xx"] == 0
