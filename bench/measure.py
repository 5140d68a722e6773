"""What every benchmark shares: alternating runs, medians, result rows, scratch directories."""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class Config:
    quick: bool = False
    runs: int = 5                   # alternating runs per contender; medians are reported
    append_events: int = 4000       # events per append run
    append_mongo_events: int = 4000  # … on the MongoDB adapter
    http_seconds: float = 5.0       # per load run
    relay_events: int = 20_000
    rebuild_events: int = 1_000_000
    rebuild_kafka_events: int = 5_000
    rebuild_runs: int = 3
    lag_seconds: float = 30.0
    lag_rate: int = 500             # events per second
    corpus_scale: float = 1.0
    only: set[str] = field(default_factory=set)
    profile: str = ""               # a benchmark to run once more under pyinstrument

    @classmethod
    def make(cls, quick: bool, only: set[str]) -> "Config":
        cfg = cls(quick=quick, only=only)
        if quick:
            cfg.runs, cfg.append_events, cfg.append_mongo_events = 3, 400, 100
            cfg.http_seconds, cfg.relay_events = 1.5, 2000
            cfg.rebuild_events, cfg.rebuild_kafka_events, cfg.rebuild_runs = 20_000, 5_000, 1
            cfg.lag_seconds, cfg.corpus_scale = 5.0, 0.1
        # Any size can be set from the environment, e.g. BENCH_REBUILD_EVENTS=200000.
        for name, value in vars(cfg).items():
            env = os.environ.get("BENCH_" + name.upper())
            if env is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
                setattr(cfg, name, type(value)(env))
        return cfg


    def describe(self) -> str:
        return (f"{self.runs} alternating runs; append {self.append_events:,} events per run "
                f"({self.append_mongo_events:,} on MongoDB); HTTP {self.http_seconds:g} s per run; relay "
                f"{self.relay_events:,} events; rebuild {self.rebuild_events:,} events embedded "
                f"({self.rebuild_runs} runs), {self.rebuild_kafka_events:,} via Kafka; lag {self.lag_seconds:g} s at "
                f"{self.lag_rate} events/s; corpus: demo at scale {self.corpus_scale:g}")


@dataclass
class Row:
    bench: str          # "1 append"
    case: str           # "SQLite, 1 event/command, 1 writer"
    ours: float
    unit: str           # "events/s"
    baseline: float | None = None
    target: str = ""    # e.g. "≥ 1.0×"
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def ratio_target(row: Row, minimum: float) -> Row:
    row.target, row.met = f"≥ {minimum:g}×", row.ratio is not None and row.ratio >= minimum
    return row


def alternate(runs: int, contenders: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Run each contender `runs` times, alternating (ABAB…, order flipped every round so neither
    always goes first); each returns the figure it measured. Returns the median per contender."""
    results: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for i in range(runs):
        for name in names if i % 2 == 0 else reversed(names):
            results[name].append(contenders[name]())
    return {name: statistics.median(values) for name, values in results.items()}


def rate(n: int, work: Callable[[], object]) -> float:
    """Run `work` and return n / its wall time."""
    started = time.perf_counter()
    work()
    return n / (time.perf_counter() - started)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


_ROOT: list[Path] = []


def scratch(name: str) -> Path:
    """A new empty directory, removed with all the others by `cleanup()` when the run ends."""
    if not _ROOT:
        _ROOT.append(Path(tempfile.mkdtemp(prefix="shuangwan-bench-")))
    return Path(tempfile.mkdtemp(prefix=name + "-", dir=_ROOT[0]))


def cleanup() -> None:
    while _ROOT:
        shutil.rmtree(_ROOT.pop(), ignore_errors=True)


def log(message: str) -> None:
    print(f"  · {message}", flush=True)


def in_child(fn: Callable, *args):
    """Run fn(*args) in a fresh interpreter (spawned, so no memory of this one is inherited);
    returns what it returned."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident set size so far, in MB. (VmHWM, not getrusage's ru_maxrss, which
    Linux carries over exec: a spawned child would report its parent's peak.)"""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


class Servers:
    """Kafka and FerretDB from the test harness, started on first use (or the ones that
    KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL name)."""

    def __init__(self, kafka_bootstrap: str | None = None, mongodb_url: str | None = None):
        self.given = {"kafka": kafka_bootstrap or os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
                      "mongo": mongodb_url or os.environ.get("MONGODB_URL")}
        self._kafka = self._mongo = None

    def kafka(self) -> str:
        if self.given["kafka"]:
            return self.given["kafka"]
        if self._kafka is None:
            from tests.harness.servers import KafkaServer
            log("starting Kafka")
            self._kafka = KafkaServer().start()
        return self._kafka.bootstrap_servers

    def mongo(self) -> str:
        if self.given["mongo"]:
            return self.given["mongo"]
        if self._mongo is None:
            from tests.harness.servers import FerretDBServer
            log("starting FerretDB")
            self._mongo = FerretDBServer().start()
        return self._mongo.url

    def stop(self) -> None:
        for server in (self._kafka, self._mongo):
            if server is not None:
                server.stop()
        self._kafka = self._mongo = None


def with_database(url: str, name: str) -> str:
    """The MongoDB URL `url` with database (base name) `name`."""
    from urllib.parse import urlparse, urlunparse
    return urlunparse(urlparse(url)._replace(path="/" + name))
