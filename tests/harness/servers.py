"""Real Kafka and FerretDB servers for the integration tests.

Nothing here needs Docker. Both servers are built from package registries and
cached, then run as child processes on free loopback ports:

* Kafka: the broker's jars are resolved by Maven from ``kafka/pom.xml`` (beside
  this file) into ``<cache>/kafka/<version>-<hash>/lib``; the broker runs as a
  single combined KRaft node (broker + controller) under ``java`` (17+).
* FerretDB: the small Go program in ``ferretdb/`` embeds FerretDB with its
  SQLite handler; it is built (``CGO_ENABLED=0 go build``) into
  ``<cache>/ferretdb/<version>-<hash>/ferretdb-harness`` and speaks the MongoDB
  wire protocol.

The cache lives in ``~/.cache/shuangwan`` unless ``SHUANGWAN_CACHE`` names
another directory. Each entry is keyed by the server's version and a hash of
the files it is built from, so a version bump (or any change of those files)
builds a new entry; an existing entry is used as it is.

This module uses the standard library only; the readiness checks import
kafka-python and pymongo lazily (both are project dependencies).

Typical use::

    with KafkaServer() as kafka, FerretDBServer() as mongo:
        kafka.bootstrap_servers   # "127.0.0.1:PORT"
        mongo.url                 # "mongodb://127.0.0.1:PORT/?directConnection=true"
        kafka.stop(keep_data=True)   # broker down, same port and data kept
        kafka.start()                # back up with its topics and offsets
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from pathlib import Path

HERE = Path(__file__).resolve().parent
KAFKA_DIR = HERE / "kafka"
KAFKA_POM = KAFKA_DIR / "pom.xml"
KAFKA_LOG4J = KAFKA_DIR / "log4j2.properties"
FERRETDB_DIR = HERE / "ferretdb"
FERRETDB_SOURCES = ("go.mod", "go.sum", "main.go")
FERRETDB_BINARY = "ferretdb-harness"

LOG_TAIL_LINES = 40


# --------------------------------------------------------------------------
# helpers


def _progress(message: str) -> None:
    print(f"[shuangwan harness] {message}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    """The cache directory (``$SHUANGWAN_CACHE`` or ``~/.cache/shuangwan``)."""
    env = os.environ.get("SHUANGWAN_CACHE")
    root = Path(env).expanduser() if env else Path.home() / ".cache" / "shuangwan"
    return root.resolve()


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:12]


@contextlib.contextmanager
def _locked(lock_path: Path):
    """Serialise installs between processes (e.g. parallel test runs)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run_build(cmd, *, cwd, env=None, log_path: Path, what: str) -> None:
    """Run a build command, its output to ``log_path``; RuntimeError on failure."""
    try:
        with open(log_path, "w") as log:
            proc = subprocess.run(
                cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, check=False,
            )
    except FileNotFoundError as exc:
        raise RuntimeError(f"{what} failed: {cmd[0]!r} not found on PATH ({exc})") from exc
    if proc.returncode != 0:
        raise RuntimeError(
            f"{what} failed (exit {proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"--- last lines of {log_path} ---\n{_tail(log_path)}"
        )


def _tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    if path is None:
        return "(no log)"
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise RuntimeError("Kafka needs Java 17 or newer: no 'java' on PATH and no JAVA_HOME")
    return java


# --------------------------------------------------------------------------
# installs


def kafka_version() -> str:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", KAFKA_POM.read_text())
    if not match:
        raise RuntimeError(f"no <kafka.version> property in {KAFKA_POM}")
    return match.group(1).strip()


def ferretdb_version() -> str:
    match = re.search(r"github\.com/FerretDB/FerretDB\s+(v\S+)",
                      (FERRETDB_DIR / "go.mod").read_text())
    if not match:
        raise RuntimeError(f"no github.com/FerretDB/FerretDB requirement in {FERRETDB_DIR / 'go.mod'}")
    return match.group(1)


def install_kafka() -> Path:
    """Resolve the Kafka broker's jars (once) and return the directory holding them."""
    version = kafka_version()
    base = cache_root() / "kafka"
    entry = base / f"{version}-{_digest([KAFKA_POM])}"
    lib = entry / "lib"
    done = entry / ".complete"
    if done.exists():
        return lib
    with _locked(base / ".lock"):
        if done.exists():
            return lib
        mvn = shutil.which("mvn")
        if not mvn:
            raise RuntimeError("installing Kafka needs Maven: no 'mvn' on PATH")
        _progress(f"resolving Kafka {version} jars with Maven into {lib} (first run: minutes)")
        started = time.monotonic()
        if entry.exists():
            shutil.rmtree(entry)
        work = entry.with_name(entry.name + ".partial")
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        # Work on a copy of the POM so Maven writes nothing into the source tree.
        shutil.copy2(KAFKA_POM, work / "pom.xml")
        _run_build(
            [mvn, "-B", "-q", "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={work / 'lib'}"],
            cwd=work, log_path=work / "mvn.log", what=f"resolving Kafka {version} jars",
        )
        jars = sorted(p.name for p in (work / "lib").glob("*.jar"))
        if not any(j.startswith(f"kafka_2.13-{version}") for j in jars):
            raise RuntimeError(f"Maven ran but kafka_2.13-{version}.jar is missing from {work / 'lib'}")
        (work / ".complete").write_text(f"kafka {version}\n" + "\n".join(jars) + "\n")
        work.rename(entry)
        _progress(f"Kafka {version}: {len(jars)} jars in {time.monotonic() - started:.0f} s")
    return lib


def install_ferretdb() -> Path:
    """Build the FerretDB test binary (once) and return its path."""
    version = ferretdb_version()
    base = cache_root() / "ferretdb"
    entry = base / f"{version}-{_digest([FERRETDB_DIR / n for n in FERRETDB_SOURCES])}"
    binary = entry / FERRETDB_BINARY
    if binary.exists():
        return binary
    with _locked(base / ".lock"):
        if binary.exists():
            return binary
        go = shutil.which("go")
        if not go:
            raise RuntimeError("building FerretDB needs Go: no 'go' on PATH")
        _progress(f"building FerretDB {version} (SQLite handler) into {binary} (first run: minutes)")
        started = time.monotonic()
        entry.mkdir(parents=True, exist_ok=True)
        partial = entry / (FERRETDB_BINARY + ".partial")
        env = dict(os.environ, CGO_ENABLED="0")
        _run_build(
            [go, "build", "-trimpath", "-buildvcs=false", "-o", str(partial), "."],
            cwd=FERRETDB_DIR, env=env, log_path=entry / "build.log",
            what=f"building FerretDB {version}",
        )
        partial.rename(binary)
        _progress(f"FerretDB {version} built in {time.monotonic() - started:.0f} s")
    return binary


# --------------------------------------------------------------------------
# servers

_live: "weakref.WeakSet[_Server]" = weakref.WeakSet()


@atexit.register
def _stop_leftovers() -> None:
    # A crashed or interrupted test run must not leave servers behind.
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.stop()


class _Server:
    """A child-process server with a temporary directory, a log and a port."""

    name = "server"
    startup_timeout = 30.0
    stop_timeout = 15.0

    def __init__(self) -> None:
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self.log_path: Path | None = None
        self.proc: subprocess.Popen | None = None
        self._lock = threading.RLock()

    # -- to be provided by subclasses
    def _install(self) -> None:
        raise NotImplementedError

    def _prepare(self) -> None:
        """Create the server's data directory and config (first start only)."""
        raise NotImplementedError

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _ready(self, deadline: float) -> bool:
        raise NotImplementedError

    # -- life cycle
    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        """Start the server; reuse port and data kept by ``stop(keep_data=True)``."""
        with self._lock:
            if self.running:
                return self
            self._install()
            if self.tmpdir is None:
                self.tmpdir = Path(tempfile.mkdtemp(prefix=f"shuangwan-{self.name}-"))
                self.log_path = self.tmpdir / "server.log"
                self._prepare()
            started = time.monotonic()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    self._command(), cwd=self.tmpdir, stdin=subprocess.DEVNULL,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )
            _live.add(self)
            deadline = started + self.startup_timeout
            try:
                while True:
                    if self.proc.poll() is not None:
                        raise RuntimeError(
                            f"{self.name} exited with code {self.proc.returncode} while starting"
                        )
                    if self._ready(deadline):
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"{self.name} not ready after {self.startup_timeout:.0f} s"
                        )
                    time.sleep(0.2)
            except BaseException as exc:
                self._terminate()
                if isinstance(exc, RuntimeError):
                    raise RuntimeError(
                        f"{exc} (port {self.port}, dir {self.tmpdir})\n"
                        f"--- last lines of {self.log_path} ---\n{_tail(self.log_path)}"
                    ) from None
                raise
            self.startup_seconds = time.monotonic() - started
            return self

    def _terminate(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                _progress(f"{self.name} ignored SIGTERM for {self.stop_timeout:.0f} s: SIGKILL")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop(self, keep_data: bool = False) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after a timeout).

        With ``keep_data=True`` the port and data directory are kept, so that
        ``start()`` brings the same server back; otherwise both are dropped.
        """
        with self._lock:
            self._terminate()
            if not keep_data:
                if self.tmpdir is not None:
                    shutil.rmtree(self.tmpdir, ignore_errors=True)
                self.tmpdir = None
                self.log_path = None
                self.port = None
                _live.discard(self)

    def restart(self):
        """Stop and start again on the same port with the same data."""
        self.stop(keep_data=True)
        return self.start()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return _tail(self.log_path, lines)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __del__(self):
        with contextlib.suppress(Exception):
            self.stop()


class KafkaServer(_Server):
    """A single-node Kafka (KRaft, combined broker and controller) on 127.0.0.1."""

    name = "kafka"
    startup_timeout = 90.0
    stop_timeout = 30.0
    heap = ("-Xms256m", "-Xmx512m")

    def __init__(self, num_partitions: int = 3) -> None:
        super().__init__()
        self.num_partitions = num_partitions
        self.controller_port: int | None = None
        self.cluster_id: str | None = None
        self.jars: Path | None = None

    @property
    def bootstrap_servers(self) -> str:
        if self.port is None:
            raise RuntimeError("Kafka server not started")
        return f"127.0.0.1:{self.port}"

    def _install(self) -> None:
        if self.jars is None:
            self.jars = install_kafka()

    def _java_base(self) -> list[str]:
        return [
            _java(), *self.heap,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={KAFKA_LOG4J}",
            "-cp", f"{self.jars}/*",
        ]

    def _prepare(self) -> None:
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        data = self.tmpdir / "data"
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(data),
            "num.partitions": str(self.num_partitions),
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "3",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "3",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "min.insync.replicas": "1",
            "default.replication.factor": "1",
            "group.initial.rebalance.delay.ms": "0",
        }
        (self.tmpdir / "server.properties").write_text(
            "".join(f"{k}={v}\n" for k, v in props.items())
        )
        # 22 characters of URL-safe base64 of a random UUID; may start with "-",
        # hence --cluster-id=ID in one argument.
        self.cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode()[:22]
        cmd = self._java_base() + [
            "kafka.tools.StorageTool", "format",
            "--config", str(self.tmpdir / "server.properties"),
            f"--cluster-id={self.cluster_id}",
        ]
        with open(self.log_path, "ab") as log:
            proc = subprocess.run(cmd, cwd=self.tmpdir, stdin=subprocess.DEVNULL,
                                  stdout=log, stderr=subprocess.STDOUT, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(
                f"formatting Kafka storage failed (exit {proc.returncode})\n"
                f"--- last lines of {self.log_path} ---\n{_tail(self.log_path)}"
            )

    def _command(self) -> list[str]:
        return self._java_base() + ["kafka.Kafka", str(self.tmpdir / "server.properties")]

    def _ready(self, deadline: float) -> bool:
        if not _port_open(self.port):
            return False
        from kafka import KafkaAdminClient  # kafka-python, imported only when needed

        remaining_ms = max(1000, int((deadline - time.monotonic()) * 1000))
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers,
                client_id="shuangwan-harness",
                bootstrap_timeout_ms=remaining_ms,
                request_timeout_ms=min(remaining_ms, 10000),
            )
        except Exception:
            return False
        try:
            cluster = admin.describe_cluster()
            return bool(cluster.get("brokers"))
        except Exception:
            return False
        finally:
            admin.close()


class FerretDBServer(_Server):
    """FerretDB (MongoDB wire protocol, SQLite storage) on 127.0.0.1."""

    name = "ferretdb"
    startup_timeout = 30.0
    stop_timeout = 10.0

    def __init__(self, log_level: str = "warn") -> None:
        super().__init__()
        self.log_level = log_level
        self.binary: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FerretDB server not started")
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def _install(self) -> None:
        if self.binary is None:
            self.binary = install_ferretdb()

    def _prepare(self) -> None:
        self.port = free_port()
        (self.tmpdir / "data").mkdir()

    def _command(self) -> list[str]:
        return [
            str(self.binary),
            "-host", "127.0.0.1",
            "-port", str(self.port),
            "-sqlite-dir", str(self.tmpdir / "data"),
            "-log-level", self.log_level,
        ]

    def _ready(self, deadline: float) -> bool:
        if not _port_open(self.port):
            return False
        import pymongo  # imported only when needed

        client = pymongo.MongoClient(self.url, serverSelectionTimeoutMS=2000,
                                     connectTimeoutMS=2000)
        try:
            client.admin.command("ping")
            return True
        except Exception:
            return False
        finally:
            client.close()
