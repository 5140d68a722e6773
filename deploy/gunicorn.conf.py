"""gunicorn settings for every Shuangwan service (`gunicorn -c deploy/gunicorn.conf.py MODULE:app`).

Each value can be overridden from the environment, so one file serves a laptop and an office:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT,
GUNICORN_ACCESS_LOG (a path, "-" for stdout, "/dev/null" for none), GUNICORN_LOG_LEVEL,
FORWARDED_ALLOW_IPS (the load balancer's addresses, whose X-Forwarded-* headers are trusted),
GUNICORN_MAX_REQUESTS, GUNICORN_CONTROL_SOCKET (a path: enables `gunicornc`).
"""
import json
import logging
import os
import shutil
import tempfile
from datetime import datetime, timezone

from gunicorn.glogging import Logger

from shared.config import available_cpus


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The usual (2 × CPUs) + 1 workers; threads (the gthread worker) let one worker overlap storage
# round-trips.
workers = int(os.environ.get("GUNICORN_WORKERS", available_cpus() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# With GUNICORN_MAX_REQUESTS=N, a worker is replaced after about N requests (with jitter, so they do
# not all restart at once): a guard against slow leaks. Off by default.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Workers' heartbeat files on a memory file system where there is one (containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# Bounded request lines and headers: hostile input is refused before it reaches Flask.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn's control socket (`gunicornc`) is off unless a path is given: by default every server
# of a user shares one path, and several services run side by side on one machine.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class JsonLines(logging.Formatter):
    """gunicorn's own messages (booting, worker timeouts…) as JSON lines, like the services' logs."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class JsonAccessLogger(Logger):
    """One JSON object per line, for the offices' log collectors: an access line per request,
    and gunicorn's own messages.

    Every value is JSON-encoded (a user agent with a quote cannot break the line). The query
    string is not logged: it is where a careless client would put a token.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        # The fields are read here rather than from gunicorn's `atoms`, which copies every request
        # and response header and the whole WSGI environment for each line (a tenth of a small
        # POST's CPU under load).
        status = getattr(resp, "status_code", None) or resp.status  # (the code gunicorn parsed at start_response)
        request_id = next((value for name, value in resp.headers if name.lower() == "x-request-id"), None)
        entry = {
            "time": _now(), "level": "INFO", "logger": "gunicorn.access",
            "remote": environ.get("REMOTE_ADDR", "-"), "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"), "status": status, "bytes": getattr(resp, "sent", None) or 0,
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "request_id": request_id or None, "agent": environ.get("HTTP_USER_AGENT", "-"),
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:  # a log line must never fail a request
            self.exception("access log")


logger_class = JsonAccessLogger


# --- Prometheus metrics across workers ---------------------------------------------------------
# Each worker counts its own requests; prometheus_client's multiprocess mode sums them, so that
# /metrics answers for the whole service whichever worker serves the scrape. It needs a directory
# shared by the workers, empty when the server starts: $PROMETHEUS_MULTIPROC_DIR if set (it is
# wiped here), else a private temporary one.
# (This file is read again on a reload (HUP): the directory made on the first read is kept.)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="shuangwan-metrics-")
    os.environ["SHUANGWAN_OWN_METRICS_DIR"] = "1"
_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):
    os.makedirs(_metrics_dir, exist_ok=True)
    for name in os.listdir(_metrics_dir):
        if name.endswith(".db"):
            os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("SHUANGWAN_OWN_METRICS_DIR"):
        shutil.rmtree(_metrics_dir, ignore_errors=True)
