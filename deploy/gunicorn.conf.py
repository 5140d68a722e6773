"""gunicorn settings for every Shuangwan service (`gunicorn -c deploy/gunicorn.conf.py MODULE:app`).

Each value can be overridden from the environment, so one file serves a laptop and an office.
"""
import json
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The usual (2 × cores) + 1 sync workers; threads let one worker overlap storage round-trips.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Bounded request lines and headers: hostile input is refused before it reaches Flask.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One JSON object per request line, for the offices' log collectors.
access_log_format = json.dumps({
    "time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": "%(s)s",
    "bytes": "%(B)s", "duration_us": "%(D)s", "request_id": "%({x-request-id}o)s", "agent": "%(a)s",
})
