"""Observability (shared/observability.py, deploy/gunicorn.conf.py): /metrics in the Prometheus text
format, request ids, JSON log lines carrying them; the event counters; under gunicorn, figures
summed over the workers and a JSON access log."""
from __future__ import annotations

import io
import json
import logging
import re
import sys
import time

import pytest
import requests
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.reporting.runner import LiveConsumer
from services.visits.app import create_app as visits_app
from shared.observability import JsonFormatter
from tests.backends import token
from tests.processes import Processes, free_port

CITY = "360700"
ADMIN = token(CITY, "admin")
FACTORIES = {"visits": visits_app, "appraisal": appraisal_app, "reporting": reporting_app}


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


@pytest.fixture
def app_of(embedded):
    def make(service: str):
        return FACTORIES[service](embedded.settings(service, office_region=CITY))
    return make


@pytest.mark.parametrize("service", sorted(FACTORIES))
def test_metrics_answer_in_prometheus_text_format_and_count_requests(app_of, service):
    client = app_of(service).test_client()
    labels = {"service": service, "method": "GET", "endpoint": "/healthz", "status": "200"}
    before = value("shuangwan_http_requests_total", **labels)
    latency_before = value("shuangwan_http_request_seconds_count", service=service, endpoint="/healthz")
    assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/page").status_code == 404

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=" in response.headers["Content-Type"]
    parsed = families(response.get_data(as_text=True))  # raises on anything not in the text format
    requests_family = parsed["shuangwan_http_requests"]
    assert requests_family.type == "counter"
    samples = {tuple(sorted(s.labels.items())): s.value for s in requests_family.samples if s.name.endswith("_total")}
    assert samples[tuple(sorted(labels.items()))] == before + 1
    unmatched = {"service": service, "method": "GET", "endpoint": "unmatched", "status": "404"}
    assert samples[tuple(sorted(unmatched.items()))] >= 1
    assert parsed["shuangwan_http_request_seconds"].type == "histogram"
    assert value("shuangwan_http_request_seconds_count", service=service, endpoint="/healthz") == latency_before + 1
    for name in ("shuangwan_events_appended", "shuangwan_events_published", "shuangwan_events_consumed",
                 "shuangwan_dead_letters", "shuangwan_consumer_lag"):
        assert name in parsed, name


def test_request_id_is_echoed_or_generated(app_of):
    client = app_of("visits").test_client()
    echoed = client.get("/healthz", headers={"X-Request-ID": "office-360700-abc"})
    assert echoed.headers["X-Request-ID"] == "office-360700-abc"
    generated = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
    assert client.get("/healthz").headers["X-Request-ID"] != generated.headers["X-Request-ID"]
    # An id too long, or with control characters, is not trusted: a fresh one replaces it.
    for bad in ("x" * 65, "a\tb"):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    # Errors carry it too.
    assert client.get("/organs", headers={"X-Request-ID": "no-token"}).headers["X-Request-ID"] == "no-token"


@pytest.fixture
def json_log():
    """The root logger writing JSON lines (the services' formatter) into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]  # every line is JSON
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_logs_are_json_lines_with_the_request_id(app_of, json_log):
    app = app_of("visits")

    @app.get("/test-only/log")
    def log_something():
        logging.getLogger("services.visits.test").info("走访记录 logged")
        return {"ok": True}

    @app.get("/test-only/fail")
    def fail():
        raise RuntimeError("boom")

    client = app.test_client()
    assert client.get("/test-only/log", headers={"X-Request-ID": "req-1"}).status_code == 200
    failed = client.get("/test-only/fail", headers={"X-Request-ID": "req-2"})
    assert failed.status_code == 500 and failed.json["error"]["code"] == "internal"
    assert "boom" not in failed.get_data(as_text=True)  # the details go to the log, not to the caller
    logging.getLogger("shuangwan.test").warning("outside any request")

    lines = json_log()
    mine = next(line for line in lines if line["message"] == "走访记录 logged")
    assert mine["request_id"] == "req-1" and mine["level"] == "INFO" and mine["logger"] == "services.visits.test"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", mine["time"])
    error = next(line for line in lines if line.get("request_id") == "req-2" and line["level"] == "ERROR")
    assert "RuntimeError: boom" in error["exception"]
    outside = next(line for line in lines if line["message"] == "outside any request")
    assert "request_id" not in outside


def test_event_counters_follow_the_pipeline(embedded):
    visits = visits_app(embedded.settings("visits", office_region=CITY))
    appended = value("shuangwan_events_appended_total", family="visits")
    published = value("shuangwan_events_published_total", family="visits")
    client = visits.test_client()
    for name in ("市统计局", "市档案馆"):
        answer = client.post("/organs", json={"name": name, "category": "government", "region": CITY}, headers=ADMIN)
        assert answer.status_code == 201, answer.json
    assert value("shuangwan_events_appended_total", family="visits") == appended + 2

    context = visits.extensions["shuangwan"]
    context.bus.ensure_topics([context.topic])
    context.relay().drain()
    assert value("shuangwan_events_published_total", family="visits") == published + 2

    reporting = reporting_app(embedded.settings("reporting", office_region=CITY)).extensions["shuangwan"]
    consumer = LiveConsumer(reporting)
    group = reporting.group(reporting.generations.active)
    consumed = value("shuangwan_events_consumed_total", group=group)
    consumer.catch_up(within=60)
    consumer.close()
    assert value("shuangwan_events_consumed_total", group=group) == consumed + 2


# Remove the mark once services/reporting/runner.py sets the gauge where it asks the bus for the lag
# (catch_up and LiveConsumer.run_once).
def test_the_reporting_consumer_reports_its_lag(embedded):
    visits = visits_app(embedded.settings("visits", office_region=CITY))
    client = visits.test_client()
    for name in ("市统计局", "市档案馆", "市机关事务管理局"):
        assert client.post("/organs", json={"name": name, "category": "government", "region": CITY},
                           headers=ADMIN).status_code == 201
    context = visits.extensions["shuangwan"]
    context.bus.ensure_topics([context.topic])
    context.relay().drain()
    reporting = reporting_app(embedded.settings("reporting", office_region=CITY)).extensions["shuangwan"]
    consumer = LiveConsumer(reporting)
    try:
        consumer.catch_up(within=60)
        group = reporting.group(reporting.generations.active)
        assert REGISTRY.get_sample_value("shuangwan_consumer_lag", {"group": group}) == 0
    finally:
        consumer.close()


def test_under_gunicorn_metrics_sum_the_workers_and_the_access_log_is_json(embedded, tmp_path):
    procs = Processes(tmp_path)
    access = tmp_path / "access.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        procs.start("visits", [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b",
                               f"127.0.0.1:{port}", "services.visits.wsgi:app"],
                    embedded.settings("visits", office_region=CITY),
                    {"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "1", "GUNICORN_ACCESS_LOG": str(access)})
        procs.wait_ready("visits", url)
        with requests.Session() as session:
            for i in range(12):
                # A fresh connection each time, so that the requests spread over the workers.
                requests.get(url + "/healthz", headers={"X-Request-ID": f"probe-{i}"}, timeout=10)
            odd = requests.get(url + "/healthz", timeout=10, headers={"User-Agent": 'odd "agent" \\ x'})
            generated = odd.headers["X-Request-ID"]
            text = session.get(url + "/metrics", timeout=10).text
        samples = {tuple(sorted(s.labels.items())): s.value
                   for f in text_string_to_metric_families(text) if f.name == "shuangwan_http_requests"
                   for s in f.samples if s.name.endswith("_total")}
        healthz = (("endpoint", "/healthz"), ("method", "GET"), ("service", "visits"), ("status", "200"))
        # /readyz polls of the start-up aside, exactly the 13 requests, whichever workers served them.
        assert samples[healthz] == 13

        deadline = time.monotonic() + 10
        lines = []
        while time.monotonic() < deadline:
            lines = [json.loads(line) for line in access.read_text().splitlines() if line.strip()]
            if sum(1 for line in lines if line["path"] == "/healthz") >= 13:
                break
            time.sleep(0.2)
        probes = {line["request_id"]: line for line in lines if line["path"] == "/healthz"}
        assert {f"probe-{i}" for i in range(12)} <= set(probes)
        line = probes["probe-3"]
        assert line["status"] == 200 and line["method"] == "GET" and line["duration_ms"] >= 0
        assert line["remote"] == "127.0.0.1" and line["bytes"] > 0
        assert probes[generated]["agent"] == 'odd "agent" \\ x'
        # gunicorn's own messages are JSON lines as well.
        own = [json.loads(line) for line in procs.tail("visits", 200).splitlines() if line.startswith("{")]
        assert any(line.get("logger") == "gunicorn.error" and "Booting worker" in line["message"] for line in own)
    finally:
        procs.stop_all()
