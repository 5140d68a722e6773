"""The local launcher behind `make run`: every service, its relay and the reporting consumer as
child processes on the embedded default, demo data on first start, URLs printed."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFICE = "360700"  # the demo runs the Ganzhou city office (赣州市直机关工委)


class Launcher:
    def __init__(self, data_dir: Path, host: str, base_port: int, demo: bool):
        from shared.cli import local_secret
        self.data_dir = data_dir.resolve()
        self.host, self.demo = host, demo
        self.ports = {"visits": base_port, "appraisal": base_port + 1, "reporting": base_port + 2}
        self.env = {
            **os.environ,
            "SHUANGWAN_DATA_DIR": str(self.data_dir),
            "SHUANGWAN_OFFICE_REGION": os.environ.get("SHUANGWAN_OFFICE_REGION", OFFICE),
            "SHUANGWAN_TOKEN_SECRET": os.environ.get("SHUANGWAN_TOKEN_SECRET") or local_secret(self.data_dir, "token-secret"),
            "SHUANGWAN_HASH_KEY": os.environ.get("SHUANGWAN_HASH_KEY") or local_secret(self.data_dir, "hash-key"),
            "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
            # (the pages link to one another's: the dashboard to the offices' forms and back)
            "SHUANGWAN_PUBLIC_URLS": os.environ.get("SHUANGWAN_PUBLIC_URLS") or
            ",".join(f"{service}={self.url(service)}/" for service in self.ports),
            "PYTHONUNBUFFERED": "1",
        }
        self.children: list[tuple[str, subprocess.Popen]] = []

    def url(self, service: str) -> str:
        return f"http://{self.host}:{self.ports[service]}"

    def start(self, name: str, args: list[str]) -> None:
        log = open(self.data_dir / f"{name}.log", "ab")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.children.append((name, process))

    def ports_free(self) -> None:
        """Stop before starting anything when a port is taken: a server left from an earlier run
        would answer the readiness check in place of the new one, which then dies unseen."""
        for service, port in self.ports.items():
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: a closing socket is no obstacle
                try:
                    probe.bind((self.host, port))
                except OSError as exc:
                    raise SystemExit(f"Port {port} ({service}) on {self.host} is in use ({exc.strerror}): is another "
                                     "`make run` still running? Stop it, or start on other ports with "
                                     "`shuangwan run --base-port …`.") from None

    def run(self) -> None:
        self.ports_free()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        python = sys.executable
        for service, port in self.ports.items():
            self.start(service, [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                 "-b", f"{self.host}:{port}", f"services.{service}.wsgi:app"])
        self.start("visits-relay", [python, "-m", "services.visits", "relay"])
        self.start("appraisal-relay", [python, "-m", "services.appraisal", "relay"])
        # (the launcher's consumer is the only one: it may rebuild projections an older version built)
        self.start("reporting-consumer", [python, "-m", "services.reporting", "consume", "--rebuild-if-stale"])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # Ctrl-C stops everything, even when started from a shell that ignores SIGINT for
        # background jobs (Python then leaves it ignored).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            for service in self.ports:
                self.wait_ready(service)
            if self.demo:
                self.load_demo()
            self.announce()
            while True:
                for name, process in self.children:
                    if process.poll() is not None:
                        raise SystemExit(f"{name} stopped (exit {process.returncode}); see {self.data_dir / (name + '.log')}")
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def wait_ready(self, service: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url(service) + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{service} did not become ready; see {self.data_dir / (service + '.log')}")

    def load_demo(self) -> None:
        marker = self.data_dir / "demo-loaded"
        if marker.exists():
            return
        from shared.demo import HttpClients, generate
        print("Loading demo data through the services' APIs (first start only)…", flush=True)
        clients = HttpClients({s: self.url(s) for s in ("visits", "appraisal")}, self.env["SHUANGWAN_TOKEN_SECRET"])
        summary = generate(clients, seed=2010)
        marker.write_text(repr(summary))
        print(f"Demo data loaded: {summary}", flush=True)

    def announce(self) -> None:
        from shared.web import office as forms
        from shared.web.auth import issue_token
        secret, region = self.env["SHUANGWAN_TOKEN_SECRET"], self.env["SHUANGWAN_OFFICE_REGION"]
        admin = issue_token(secret, "demo-admin", region, "admin", list(self.ports), 7 * 24 * 3600)
        print("\n双万 Shuangwan is running (embedded SQLite under %s):" % self.data_dir)
        print(f"  offices' dashboard   {self.url('reporting')}/dashboard/")
        for service, pages in forms.SERVICE_PAGES.items():
            print(f"  offices' forms       {self.url(service)}/office/ ({service}: "
                  + "、".join(forms.PAGE_NAMES[page] for page in pages) + ")")
        print(f"  citizens' opinions   {self.url('appraisal')}/public/")
        for service in self.ports:
            print(f"  {service:<10} API docs {self.url(service)}/docs")
        print(f"\n  admin token for office {region} (7 days):\n  {admin}\n")
        print("Ctrl-C stops everything.", flush=True)

    def stop(self) -> None:
        for _, process in self.children:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
