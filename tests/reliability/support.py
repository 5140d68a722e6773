"""What the reliability tests share: a whole office as real processes (visits and appraisal under
gunicorn, their relays, the reporting consumer), the records they write, and the figures the
reports must come out with."""
from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections import Counter
from functools import cached_property
from typing import Callable

import requests

from services.reporting.app import create_app as reporting_app
from shared import backends
from shared.bus import topic_for
from shared.clock import today
from shared.envelope import Recorded
from tests.backends import Backend, read_topic, token
from tests.processes import ROOT, Processes, free_port, settings_env  # noqa: F401 (ROOT re-exported)

CITY, ZHANGGONG, NANKANG = "360700", "360702", "360703"
SERVICES = ("visits", "appraisal", "reporting")
ADMIN = token(CITY, "admin", subject="city-office")
CLERK = token(CITY, "clerk", subject="city-clerk")
VIEWER = token(CITY, "viewer", subject="city-viewer")

TARGETS = [
    {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": CITY},
    {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": ZHANGGONG},
]
RESPONDENTS = [{"category": "npc_deputy", "quota": 4000}, {"category": "farmer_or_resident", "quota": 4000}]
DIMENSIONS = ["serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image"]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.25):
    """The predicate's first truthy value; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except (requests.RequestException, AssertionError) as exc:  # a server still coming up
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f}s waiting for {what}" + (f" (last: {last})" if last else ""))
        time.sleep(interval)


def period() -> dict:
    """Today, the day every record of these tests is dated (CST)."""
    day = today().isoformat()
    return {"from": day, "to": day}


def visit_body(cadre_id: str, n: int, region: str = CITY, **changes) -> dict:
    """A visit that reaches `n % 7` people: the reports must add them up exactly."""
    return {"cadre_ids": [cadre_id], "region": region, "visited_on": today().isoformat(), "place_type": "village",
            "place_name": f"第{n}村", "activities": ["ask_needs"], "people_reached": n % 7, **changes}


def rating_body(n: int) -> dict:
    levels = ["satisfied", "basically_satisfied", "dissatisfied"]
    return {"ratings": [{"organ_id": organ, "dimension": d, "level": levels[(n + i) % 3]}
                        for i, organ in enumerate(("traffic", "court")) for d in DIMENSIONS]}


def expect(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, (response.request.method, response.request.url,
                                            response.status_code, response.text[:2000])
    return response.json() if response.content else {}


class Stack:
    """One office (the city of Ganzhou) on a backend, as the processes production runs.

    The reporting API is read through an in-process app on the same projection store: what it
    answers is what the reporting service's web processes would answer.
    """

    def __init__(self, backend: Backend, procs: Processes, region: str = CITY):
        self.backend, self.procs, self.region = backend, procs, region
        self.settings = {s: backend.settings(s, office_region=region) for s in SERVICES}
        self.urls: dict[str, str] = {}
        self.http = requests.Session()

    # --- processes -----------------------------------------------------------------------------
    def api(self, service: str, workers: int = 1, port: int | None = None, verbose: bool = False) -> str:
        """`service` under gunicorn; `verbose` logs every request (access log) and DEBUG lines."""
        if not verbose:
            self.urls[service] = self.procs.api(service, self.settings[service], workers=workers, port=port)
            return self.urls[service]
        port = port or free_port()
        self.procs.start(service, [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                   "-b", f"127.0.0.1:{port}", f"services.{service}.wsgi:app"], self.settings[service],
                         {"GUNICORN_WORKERS": str(workers), "GUNICORN_ACCESS_LOG": "-", "GUNICORN_LOG_LEVEL": "debug",
                          "SHUANGWAN_LOG_LEVEL": "DEBUG"})
        self.urls[service] = f"http://127.0.0.1:{port}"
        self.procs.wait_ready(service, self.urls[service])
        return self.urls[service]

    def relay(self, service: str):
        return self.procs.module(f"{service}-relay", self.settings[service], "relay")

    def consume(self, name: str = "reporting-consume"):
        return self.procs.module(name, self.settings["reporting"], "consume")

    def procs_env(self, service: str) -> dict:
        """The environment a process of `service` runs with (for one run by hand)."""
        return {**os.environ, **settings_env(self.settings[service]), "PYTHONUNBUFFERED": "1"}

    def start(self, services=("visits", "appraisal"), workers: int = 1, consume: bool = True) -> "Stack":
        for service in services:
            self.api(service, workers)
            self.relay(service)
        if consume:
            self.consume()
        return self

    # --- writing -------------------------------------------------------------------------------
    def post(self, service: str, path: str, body: dict, headers: dict = CLERK, status: int = 201,
             timeout: float = 30) -> dict:
        return expect(self.http.post(self.urls[service] + path, json=body, headers=headers, timeout=timeout), status)

    def organ_and_cadre(self, region: str | None = None) -> str:
        """An organ with one cadre; returns the cadre's id."""
        region = region or self.region
        organ = self.post("visits", "/organs", {"name": f"发改委{uuid.uuid4().hex[:6]}", "category": "government",
                                                "region": region}, ADMIN)
        return self.post("visits", "/cadres", {"organ_id": organ["id"], "name": "干部", "rank": "section"}, ADMIN)["id"]

    def campaign_with_paper_batch(self, count: int = 4000) -> tuple[str, str]:
        """An open campaign and a paper batch of `count` questionnaires; returns their ids."""
        cid = self.post("appraisal", "/campaigns", {"title": "群众评机关", "targets": TARGETS,
                                                    "respondent_categories": RESPONDENTS}, ADMIN)["id"]
        self.post("appraisal", f"/campaigns/{cid}/open", {}, ADMIN, 200)
        batch = self.post("appraisal", f"/campaigns/{cid}/paper-batches",
                          {"respondent_category": "npc_deputy", "count": count}, ADMIN)
        return cid, batch["id"]

    # --- reading what was stored and published -------------------------------------------------
    @cached_property
    def reporting(self):
        return reporting_app(self.settings["reporting"]).test_client()

    def report(self, path: str, headers: dict = VIEWER, **params) -> dict:
        response = self.reporting.get(path, query_string=params, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.json)
        return response.json

    def visit_totals(self) -> dict:
        return self.report("/reports/visits", **period())["total"]

    def responses_total(self, cid: str) -> int:
        return self.report(f"/reports/appraisal/{cid}/responses")["total"]["responses"]

    def store(self, service: str):
        return backends.event_store(self.settings[service].event_store_url, f"{service}_events")

    def stored(self, service: str) -> list[Recorded]:
        """Every event the service stored and sequenced, in global order."""
        return self.store(service).read_after(0, 1_000_000)

    def published(self, service: str, timeout: float = 60) -> list[Recorded]:
        settings = self.settings[service]
        return read_topic(backends.event_bus(settings.bus_url), topic_for(service, settings.topic_prefix), timeout)

    def settled(self, service: str, timeout: float = 120) -> list[Recorded]:
        """Waits until the relay has published everything the service stored; returns what was stored.
        (Published ids are compared as a set: delivery is at least once.)"""
        store = self.store(service)

        def done():
            events = store.read_after(0, 1_000_000)
            if events and store.get_checkpoint("outbox") == events[-1].position and not _unsequenced(store):
                return events
            return None
        return wait_until(done, timeout, f"the {service} relay to publish everything stored")


def _unsequenced(store) -> int:
    """Commits a MongoDB store holds that the relay has not numbered yet (0 for SQLite)."""
    commits = getattr(store, "_commits", None)
    return commits.count_documents({"pos_first": None}) if commits is not None else 0


ARTIFACTS = ROOT / "test-artifacts" / "reliability"


def record(name: str, figures: dict) -> None:
    """Keeps a test's figures (test-artifacts/reliability/<name>.json) for RELIABILITY.md."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))


def once_each(events: list[Recorded]) -> Counter:
    return Counter(e.id for e in events)
