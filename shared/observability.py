"""Structured JSON logs with request ids, and Prometheus metrics.

Metrics live in this process's default registry. Under gunicorn with several workers, set
`PROMETHEUS_MULTIPROC_DIR` to an empty directory so the workers' figures are summed (the
prometheus_client multiprocess mode); the relay and consumer processes serve their own
`/metrics` on `SHUANGWAN_METRICS_PORT` when it is set.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter("shuangwan_http_requests_total", "HTTP requests answered.", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("shuangwan_http_request_seconds", "HTTP request latency.", ["service", "endpoint"])
APPENDED = Counter("shuangwan_events_appended_total", "Events appended to the event store.", ["family"])
PUBLISHED = Counter("shuangwan_events_published_total", "Events published to the bus by the outbox relay.", ["family"])
CONSUMED = Counter("shuangwan_events_consumed_total", "Events applied by a consumer.", ["group"])
DEAD_LETTERS = Counter("shuangwan_dead_letters_total", "Messages a consumer could not decode.", ["group"])
LAG = Gauge("shuangwan_consumer_lag", "Messages on the bus not yet consumed.", ["group"])

REDACTED_HEADERS = {"authorization", "cookie"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the request id is attached when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        request_id = _request_id()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context
        return g.get("request_id") if has_request_context() else None
    except ImportError:  # pragma: no cover
        return None


def configure_logging(level: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("SHUANGWAN_LOG_LEVEL", "INFO"))


def instrument(app, service: str) -> None:
    """Request ids (honouring an incoming X-Request-ID), request metrics and `/metrics`."""
    from flask import Response, g, request

    @app.before_request
    def start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(service, request.method, endpoint, str(response.status_code)).inc()
        LATENCY.labels(service, endpoint).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.get("/metrics")
    def metrics():
        """Prometheus metrics of this service."""
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY
    return REGISTRY


def serve_metrics() -> None:
    """For the relay and consumer processes: `/metrics` on SHUANGWAN_METRICS_PORT, if set."""
    port = os.environ.get("SHUANGWAN_METRICS_PORT")
    if port:
        from prometheus_client import start_http_server
        start_http_server(int(port), addr=os.environ.get("SHUANGWAN_METRICS_ADDR", "127.0.0.1"))
