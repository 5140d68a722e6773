"""A consumer process SIGKILLed mid-batch and restarted neither loses nor double-counts an event.

The consumer runs as a real child process (`tests/contract/consumer_worker.py`) and is killed
with SIGKILL twice: once at the worst moment by design (its rows are written, the bus
checkpoint is not), once at a random moment while it works. A third run catches up; every
row must then hold the exact sum of its stream and `_version` equal to the stream's length.
Both ways of writing are tried: after every poll, and holding several polls (as a rebuild does).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shared.bus import topic_for
from shared.envelope import to_bytes
from tests.contract.conftest import make_bus, make_projection_store
from tests.contract.support import TOPIC_PREFIX, counted, wait_until

ROOT = Path(__file__).resolve().parents[2]
STREAMS, PER_STREAM = 30, 100  # 3000 events


def start_worker(args, log):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "tests.contract.consumer_worker", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def kill9(proc):
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL


@pytest.mark.parametrize("hold", [0, 64 * 1024], ids=["writing-each-poll", "holding-polls"])
@pytest.mark.parametrize("kind", ["sqlite", "distributed"])
def test_a_consumer_killed_mid_batch_and_restarted_counts_exactly(kind, hold, request, tmp_path, names):
    bus_kind, projection_kind = {"sqlite": ("sqlite", "sqlite"), "distributed": ("kafka", "mongodb")}[kind]
    namespace = names("crash")
    bus = make_bus(bus_kind, request, tmp_path)
    projections = make_projection_store(projection_kind, request, tmp_path, namespace)
    request.addfinalizer(bus.close)
    request.addfinalizer(projections.close)
    if kind == "sqlite":
        bus_url = f"sqlite:///{tmp_path}/bus.db"
        projection_url = f"sqlite:///{tmp_path}/{namespace}-projections.db"
    else:
        bus_url = "kafka://" + request.getfixturevalue("kafka_bootstrap")
        projection_url = request.getfixturevalue("mongodb_url")

    family = names("fam")
    topic = topic_for(family, TOPIC_PREFIX)
    bus.ensure_topics([topic])
    rng = random.Random(7)
    streams = {f"visit-{i:02d}": counted(family, f"visit-{i:02d}", 1, PER_STREAM,
                                         amount=lambda v: rng.randint(1, 1000)) for i in range(STREAMS)}
    expected = {s: sum(e.data["amount"] for e in events) for s, events in streams.items()}
    interleaved = [streams[s][v] for v in range(PER_STREAM) for s in streams]  # each stream in order
    for start in range(0, len(interleaved), 500):
        bus.publish(topic, [(e.stream, to_bytes(e)) for e in interleaved[start:start + 500]])

    common = ["--bus", bus_url, "--projections", projection_url, "--namespace", namespace,
              "--family", family, "--topic", topic, "--group", names("reporting"), "--batch", "100",
              "--hold", str(hold)]
    applied = lambda: sum(r["count"] for r in projections.find("sums"))  # noqa: E731
    log_path = tmp_path / "worker.log"
    workers = []
    try:
        with open(log_path, "ab") as log:
            # 1. Killed right after it wrote the `sums` rows of its third batch: the `counts` rows
            #    of that batch and the bus commit never happened.
            marker = tmp_path / "holding"
            w = start_worker(common + ["--hold-after-puts", "5", "--marker", str(marker)], log)
            workers.append(w)
            wait_until(lambda: marker.exists() or w.poll() is not None, timeout=90, what="the worker to hold")
            assert w.poll() is None, log_path.read_text()
            kill9(w)
            first = applied()
            assert 0 < first < STREAMS * PER_STREAM
            assert sum(r["n"] for r in projections.find("counts")) < first  # torn between the two

            # 2. Killed at a random moment while it works.
            w = start_worker(common + ["--slow", "0.02"], log)
            workers.append(w)
            target = first + rng.randint(300, 900)
            wait_until(lambda: applied() >= target or w.poll() is not None, timeout=90, interval=0.01,
                       what="the worker to make progress")
            assert w.poll() is None, log_path.read_text()
            kill9(w)
            second = applied()
            assert first < second < STREAMS * PER_STREAM

            # 3. Restarted, it catches up and stops.
            w = start_worker(common + ["--until-idle"], log)
            workers.append(w)
            assert w.wait(120) == 0, log_path.read_text()
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()

    sums = {r["_id"]: r for r in projections.find("sums")}
    counts = {r["_id"]: r for r in projections.find("counts")}
    assert {s: r["total"] for s, r in sums.items()} == expected
    assert {s: (r["count"], r["_version"]) for s, r in sums.items()} == {s: (PER_STREAM, PER_STREAM) for s in streams}
    assert {s: (r["n"], r["_version"]) for s, r in counts.items()} == {s: (PER_STREAM, PER_STREAM) for s in streams}
    assert projections.find("dead_letters") == []
