"""Services as real processes (gunicorn, relays, the reporting consumer) for tests that need
them: browsers, faults, kills mid-request, several offices at once."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from shared.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `shared.config.load(service)` return `settings`."""
    return {
        "SHUANGWAN_OFFICE_REGION": settings.office_region,
        "SHUANGWAN_DATA_DIR": settings.data_dir,
        "SHUANGWAN_EVENT_STORE_URL": settings.event_store_url,
        "SHUANGWAN_BUS_URL": settings.bus_url,
        "SHUANGWAN_PROJECTION_URL": settings.projection_url,
        "SHUANGWAN_TOKEN_SECRET": settings.token_secret,
        "SHUANGWAN_TOPIC_PREFIX": settings.topic_prefix,
        "SHUANGWAN_MAX_BODY_BYTES": str(settings.max_body_bytes),
        "SHUANGWAN_HASH_KEY": settings.hash_key,
        "SHUANGWAN_PUBLIC_URLS": ",".join(f"{service}={url}" for service, url in settings.public_urls.items()),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Start service processes; `stop_all()` ends them (TERM, then KILL)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], settings: Settings, extra_env: dict | None = None) -> subprocess.Popen:
        env = {**os.environ, **settings_env(settings), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.children[name] = process
        return process

    def api(self, name: str, settings: Settings, workers: int = 2, port: int | None = None) -> str:
        """A service under gunicorn; returns its base URL once /readyz answers."""
        port = port or free_port()
        self.start(name, [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
                          f"services.{settings.service}.wsgi:app"], settings,
                   {"GUNICORN_WORKERS": str(workers), "GUNICORN_ACCESS_LOG": "/dev/null"})
        url = f"http://127.0.0.1:{port}"
        self.wait_ready(name, url)
        return url

    def module(self, name: str, settings: Settings, *command: str) -> subprocess.Popen:
        """`python -m services.<service> <command>` (relay, consume, …)."""
        return self.start(name, [sys.executable, "-m", f"services.{settings.service}", *command], settings)

    def wait_ready(self, name: str, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.children[name].poll() is not None:
                raise RuntimeError(f"{name} exited: {self.tail(name)}")
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} not ready after {timeout}s: {self.tail(name)}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.children.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.children):
            process = self.children[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in list(self.children.items()):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.children.clear()
