"""6 · Peak memory (RSS) of the reporting service holding the projections of the rebuild's events:
its web worker (gunicorn, one worker) answering every report once, and the rebuild process itself
(measured by the rebuild benchmark). Uses the generation the embedded rebuild left behind.
"""
from __future__ import annotations

import sys
import urllib.request
from dataclasses import replace
from pathlib import Path

from bench import events as corpus
from bench.measure import Config, Row, log, peak_rss_mb, scratch
from tests.processes import Processes, free_port

REPORTS = ["/reports/overview", "/reports/visits", "/reports/visits/weekly", "/reports/cadres", "/reports/points",
           "/reports/pairings", "/reports/problems", "/reports/problems/overdue", "/reports/appraisal/campaigns"]
PER_CAMPAIGN = ["organs", "dimensions", "responses", "opinions"]


def run(cfg: Config, state: dict) -> list[Row]:
    import json
    from shared.web.auth import issue_token

    if "projections" not in state:
        from bench import rebuild
        rebuild.embedded(cfg, state)
    n, projections = state["projections"]
    work = scratch("memory")
    settings = replace(corpus.settings("reporting", work, "360000"), projection_url=f"sqlite:///{projections}")
    processes = Processes(work)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = issue_token(corpus.SECRET, "bench", "360000", "admin", ["reporting"], 3600)
    try:
        master = processes.start("reporting", [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                               "-b", f"127.0.0.1:{port}", "services.reporting.wsgi:app"],
                                 settings, {"GUNICORN_WORKERS": "1", "GUNICORN_ACCESS_LOG": "/dev/null"})
        processes.wait_ready("reporting", url)

        def get(path: str):
            request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(request, timeout=600) as response:
                return json.loads(response.read())

        campaigns = get("/reports/appraisal/campaigns")
        paths = list(REPORTS)
        rows = campaigns.get("rows") or campaigns.get("items") or []
        campaign = next((r["key"] for r in rows), None)
        if campaign:
            paths += [f"/reports/appraisal/{campaign}/{p}" for p in PER_CAMPAIGN]
        for path in paths:
            get(path)
        worker = int(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()[0])
        web = peak_rss_mb(worker)
        log(f"memory: reporting worker peak RSS {web:.0f} MB after {len(paths)} reports over {n:,} events")
    finally:
        processes.stop_all()
    out = [Row("6 memory", f"reporting web worker, every report once, {n:,} events' projections", web, "MB",
               target="≤ 300 MB", met=web <= 300, note=f"{len(paths)} report queries")]
    if "rebuild_rss" in state:
        rebuilt, rss = state["rebuild_rss"]
        out.append(Row("6 memory", f"rebuild process, {rebuilt:,} events", rss, "MB", target="≤ 300 MB",
                       met=rss <= 300))
    return out
