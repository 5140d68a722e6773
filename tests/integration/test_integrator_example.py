"""docs/integrator_example.py works against a real broker: it prints what our KafkaBus published,
commits only what it handled, and skips a redelivered event by its id."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from shared.bus import topic_for
from shared.bus.kafka import KafkaBus
from shared.contracts import catalog
from shared.envelope import Recorded, to_bytes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "integrator_example.py"
T0 = datetime(2024, 5, 20, 1, 30, tzinfo=timezone.utc)


def organ(stream: str, name: str, region: str, tier: str) -> Recorded:
    version, data = catalog.VISITS.encode("OrganRegistered", {
        "name": name, "category": "government", "tier": tier, "region": region})
    return Recorded(id=f"evt-{stream}-1", family="visits", type="OrganRegistered", schema_version=version,
                    stream=stream, version=1, data=data, time=T0, region=region, tier=tier,
                    source="/shuangwan/visits/360000")


def problem(stream: str, region: str) -> Recorded:
    version, data = catalog.VISITS.encode("ProblemRaised", {
        "number": "WT-2024-0001", "source": "visit", "category": "infrastructure",
        "description": "村口道路破损, 雨天难行", "region": region, "raised_on": "2024-05-20"})
    return Recorded(id=f"evt-{stream}-1", family="visits", type="ProblemRaised", schema_version=version,
                    stream=stream, version=1, data=data, time=T0, region=region, tier="county",
                    source="/shuangwan/visits/360702")


def run_example(bootstrap: str, topic: str, group: str, state: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), "--bootstrap", bootstrap, "--topic", topic, "--group", group,
         "--state", str(state), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_example_prints_each_event_once_and_resumes_after_its_commits(kafka_bootstrap, unique_name, tmp_path):
    events = [organ("organ-0001", "章贡区发展和改革委员会", "360702", "county"),
              organ("organ-0002", "赣州市财政局", "360700", "city"),
              problem("problem-0001", "360702")]
    redelivered = events[0]  # as after a producer retry or a relay crash: same id, same key
    topic = topic_for("visits", unique_name)
    bus = KafkaBus(f"kafka://{kafka_bootstrap}")
    try:
        bus.ensure_topics([topic])
        bus.publish(topic, [(e.stream, to_bytes(e)) for e in events] + [(redelivered.stream, to_bytes(redelivered))])
    finally:
        bus.close()

    state = tmp_path / "handled.db"
    first = run_example(kafka_bootstrap, topic, "my-system", state, "--max-events", "3", "--timeout", "60")
    assert first.returncode == 0, first.stdout + first.stderr
    for event in events:
        line = (f"cn.shuangwan.visits.{event.type} subject={event.stream} region={event.region} id={event.id} "
                f"streamversion=1 dataversion=1")
        assert line in first.stdout
        assert "  data=" + json.dumps(event.data, ensure_ascii=False, sort_keys=True) in first.stdout
    assert first.stdout.count("cn.shuangwan.") == 3
    assert "stopped after 3 events" in first.stderr

    # Same group again, after one more event: it resumes after what it committed (printing only
    # the new event), and the redelivered copy, whichever run reads it, is skipped by its id.
    later = problem("problem-0002", "360700")
    bus = KafkaBus(f"kafka://{kafka_bootstrap}")
    try:
        bus.publish(topic, [(later.stream, to_bytes(later))])
    finally:
        bus.close()
    second = run_example(kafka_bootstrap, topic, "my-system", state, "--timeout", "10")
    assert second.returncode == 0, second.stdout + second.stderr
    assert [line for line in second.stdout.splitlines() if line.startswith("cn.shuangwan.")] == [
        f"cn.shuangwan.visits.ProblemRaised subject=problem-0002 region=360700 id={later.id} "
        "streamversion=1 dataversion=1"]
    duplicates = [int(re.search(r"stopped after \d+ events \((\d+) duplicates skipped\)", run.stderr)[1])
                  for run in (first, second)]
    assert sum(duplicates) == 1, first.stderr + second.stderr

    # A new group reads the whole history from the earliest offset.
    other = run_example(kafka_bootstrap, topic, "another-system", tmp_path / "other.db", "--max-events", "3",
                        "--timeout", "60")
    assert other.returncode == 0, other.stdout + other.stderr
    assert other.stdout.count("cn.shuangwan.") == 3


def test_example_handles_a_second_stream_version(kafka_bootstrap, unique_name, tmp_path):
    first = organ("organ-0009", "章贡区财政局", "360702", "county")
    second = first._replace(id="evt-organ-0009-2", version=2, data={**first.data, "name": "章贡区财政局(更名)"})
    topic = topic_for("visits", unique_name)
    bus = KafkaBus(f"kafka://{kafka_bootstrap}")
    try:
        bus.ensure_topics([topic])
        bus.publish(topic, [(e.stream, to_bytes(e)) for e in (first, second)])
    finally:
        bus.close()
    result = run_example(kafka_bootstrap, topic, "my-system", tmp_path / "h.db", "--max-events", "2", "--timeout", "60")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("cn.shuangwan.")]
    # One aggregate, one key, one partition: its events arrive in order.
    assert [line.split("streamversion=")[1].split()[0] for line in lines] == ["1", "2"]
