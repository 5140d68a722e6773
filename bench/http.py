"""2 · HTTP ingestion through gunicorn: POST a visit, POST a questionnaire (online, with an
invitation code), load from wrk in a separate process on loopback; throughput and p99.

Baseline: a bare Flask endpoint (bench/bare.py) under the same gunicorn settings
(deploy/gunicorn.conf.py) that parses the same JSON bodies and answers 201. The services run on
the embedded backend, seeded with a small demo campaign; each questionnaire run gets fresh codes.

Beside them, alternated with both, the storage floor (`bench.bare:stored`): the bare endpoint that
also appends the body as one event and writes its view through the same SQLite stores. The row's
note gives it, so a reader sees how much of the gap storage alone takes.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import events as corpus
from bench.measure import Config, Row, alternate, log, ratio_target, scratch
from tests.processes import Processes, free_port

CITY = "360700"
WRK_SCRIPT = """
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do bodies[#bodies + 1] = line end
local auth = os.getenv("BENCH_AUTH")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if auth ~= "" then wrk.headers["Authorization"] = auth end
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i - 1) % #bodies + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    """wrk from Debian, installed on first use."""
    if not shutil.which("wrk"):
        log("installing wrk (apt)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk")


def load(url: str, bodies: list[str], auth: str, seconds: float, work: Path) -> tuple[float, float]:
    """(successful requests/s, p99 ms) of wrk POSTing `bodies` (cycled) to `url` for `seconds`."""
    script, data = work / "post.lua", work / f"bodies-{time.monotonic_ns()}.jsonl"
    script.write_text(WRK_SCRIPT)
    data.write_text("\n".join(bodies) + "\n")
    out = subprocess.run([ensure_wrk(), "-t1", "-c8", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                          "-s", str(script), url], capture_output=True, text=True, check=True,
                         env={"BENCH_BODIES": str(data), "BENCH_AUTH": auth, "PATH": "/usr/bin:/bin"})
    data.unlink()
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", out.stdout, re.M)
    requests, bad_status, socket_errors, duration_us, p99_us = map(int, match.groups())
    if bad_status or socket_errors:
        raise RuntimeError(f"{url}: {bad_status} non-2xx answers, {socket_errors} socket errors\n{out.stdout}")
    return requests / (duration_us / 1e6), p99_us / 1000


class Services:
    """visits and appraisal under gunicorn on the embedded backend, with a small demo campaign."""

    def __init__(self, work: Path):
        from shared.demo import HttpClients, generate
        self.work = work
        self.processes = Processes(work)
        env = {"GUNICORN_ACCESS_LOG": "/dev/null", "GUNICORN_LOG_LEVEL": "warning"}
        self.urls = {}
        for service in ("visits", "appraisal"):
            port = free_port()
            self.processes.start(service, gunicorn(f"services.{service}.wsgi:app", port),
                                 corpus.settings(service, work, CITY), env)
            self.urls[service] = f"http://127.0.0.1:{port}"
            self.processes.wait_ready(service, self.urls[service])
        for name, app in (("bare", "bench.bare:app"), ("stored", "bench.bare:stored")):
            port = free_port()
            self.processes.start(name, gunicorn(app, port), corpus.settings(name, work), env)
            self.urls[name] = f"http://127.0.0.1:{port}"
            self.wait_bare(name)
        self.clients = HttpClients({s: self.urls[s] for s in ("visits", "appraisal")}, corpus.SECRET)
        log("http: loading a small demo campaign through the APIs")
        generate(self.clients, seed=2010, scale=0.05)
        self.clerk = self.clients.auth(CITY, "clerk", "bench")["Authorization"]
        self.admin = self.clients.auth(CITY, "admin", "bench")
        self.campaign = self.get("appraisal", "/campaigns")["items"][0]["id"]

    def wait_bare(self, name: str, timeout: float = 30) -> None:
        import urllib.request
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(urllib.request.Request(self.urls[name] + "/x", data=b"{}", method="POST",
                                                              headers={"Content-Type": "application/json"}))
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the {name} Flask app did not start")

    def get(self, service: str, path: str):
        return self.clients.request(service, "GET", path, headers=self.admin)[1]

    def visit_bodies(self) -> list[str]:
        """Log-visit requests made from the demo's visits as the API lists them."""
        keep = ("cadre_ids", "region", "visited_on", "place_type", "place_name", "activities", "people_reached",
                "households_reached", "notes", "funds", "items", "services", "policy_sessions")
        visits = self.get("visits", "/visits?page_size=100")["items"]
        return [json.dumps({k: v[k] for k in keep if v.get(k) is not None}, ensure_ascii=False) for v in visits]

    def questionnaire_bodies(self, count: int) -> list[str]:
        """`count` online questionnaires, each with a fresh invitation code, answered as the demo's were."""
        from shared.contracts.appraisal import rating_answers
        from shared.eventstore.sqlite import SQLiteEventStore
        store = SQLiteEventStore(f"sqlite:///{self.work}/appraisal-events.db")
        answers = [e.data for e in store.read_after(0, 100_000) if e.type == "QuestionnaireSubmitted"]
        store.close()
        tokens = []
        while len(tokens) < count:
            batch = self.clients.request("appraisal", "POST", f"/campaigns/{self.campaign}/invitation-batches", {
                "respondent_category": "npc_deputy", "count": min(10_000, count - len(tokens)),
                "label": f"bench {len(tokens)}", "on": answers[0]["submitted_on"]}, self.admin)[1]
            text = self.clients.request("appraisal", "GET", f"/batches/{batch['id']}/invitations.csv",
                                        headers=self.admin)[1]
            tokens += [line.split(",")[1] for line in text.lstrip("\ufeff").splitlines()[1:] if line]
        bodies = []
        for i, token in enumerate(tokens):
            a = answers[i % len(answers)]
            # (the API takes one object per answer; the event has one per organ)
            ratings = [{"organ_id": o, "dimension": d, "level": level} for o, d, level in rating_answers(a["ratings"])]
            body = {"token": token, "ratings": ratings, "organ_opinions": a["organ_opinions"]}
            if a.get("overall_opinion"):
                body["overall_opinion"] = a["overall_opinion"]
            bodies.append(json.dumps(body, ensure_ascii=False))
        return bodies

    def stop(self) -> None:
        self.processes.stop_all()


def gunicorn(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}", app]


def run(cfg: Config, state: dict) -> list[Row]:
    work = scratch("http")
    services = Services(work)
    try:
        rows = []
        visits = services.visit_bodies()
        # Enough fresh codes for the fastest the service could go (a used code would answer 409):
        # as many as the bare endpoint's best rate here, ~2,500 requests/s.
        codes = max(500, int(cfg.http_seconds * 3000))
        cases = [
            ("visit", lambda: (services.urls["visits"] + "/visits", visits, services.clerk)),
            ("questionnaire", lambda: (services.urls["appraisal"] + "/responses",
                                       services.questionnaire_bodies(codes), "")),
        ]
        for name, prepare in cases:
            p99 = {}

            def contender(kind: str):
                def measure() -> float:
                    url, bodies, auth = prepare()
                    if kind != "ours":
                        url = services.urls[kind] + "/" + url.rsplit("/", 1)[1]
                    throughput, latency = load(url, bodies, auth, cfg.http_seconds, work)
                    p99.setdefault(kind, []).append(latency)
                    return throughput
                return measure

            medians = alternate(cfg.runs, {kind: contender(kind) for kind in ("bare", "stored", "ours")})
            from statistics import median
            p = {k: median(v) for k, v in p99.items()}
            log(f"http {name}: {medians['ours']:,.0f} req/s (p99 {p['ours']:.0f} ms), "
                f"bare {medians['bare']:,.0f} req/s (p99 {p['bare']:.0f} ms), "
                f"stored {medians['stored']:,.0f} req/s (p99 {p['stored']:.0f} ms)")
            rows.append(ratio_target(Row(
                "2 http", f"POST a {name}", medians["ours"], "requests/s", medians["bare"],
                note=f"p99 {p['ours']:.0f} ms (bare {p['bare']:.0f} ms); storage floor (bare + one event appended and "
                     f"its view written, `bench/bare.py`) {medians['stored']:,.0f} requests/s, "
                     f"{medians['stored'] / medians['bare']:.2f}× bare; ours {medians['ours'] / medians['stored']:.2f}× "
                     f"the floor"), 0.5))
        return rows
    finally:
        services.stop()
