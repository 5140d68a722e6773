"""The benchmarks (bench/, `make bench`) at a tiny size: each one runs end to end against the real
servers and produces figures. Speeds are not judged here — BENCHMARKS.md records them."""
import math

from bench import __main__ as runner
from bench.measure import Config, Row, Servers, cleanup

TINY = Config(quick=True, runs=1, append_events=20, append_mongo_events=10, http_seconds=1, relay_events=200,
              rebuild_events=300, rebuild_kafka_events=100, rebuild_runs=1, lag_seconds=2, lag_rate=100,
              corpus_scale=0.05)


def test_every_benchmark_produces_figures(kafka_bootstrap, mongodb_url):
    state, rows = {"servers": Servers(kafka_bootstrap, mongodb_url)}, []
    try:
        for bench in runner.BENCHMARKS.values():
            rows += bench(TINY, state)
    finally:
        cleanup()
    assert {r.bench.split()[1] for r in rows} == set(runner.BENCHMARKS)
    assert len([r for r in rows if r.bench == "1 append"]) == 8  # 4 cases × 2 adapters
    for row in rows:
        assert math.isfinite(row.ours) and row.ours > 0, row
        assert row.baseline is None or (math.isfinite(row.baseline) and row.baseline > 0), row
        assert row.target, row
    assert all(r.ratio is not None for r in rows if r.bench[0] in "123" or r.bench == "4 rebuild")
    assert all("storage floor" in r.note for r in rows if r.bench == "2 http")


def test_the_report_keeps_what_was_written_by_hand(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "REPORT", tmp_path / "BENCHMARKS.md")
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n\nNotes by hand.\n")
    rows = [Row("3 relay", "case", 900.0, "events/s", 1000.0, target="≥ 0.8×", met=True)]
    runner.write_report("quick", runner.table(rows))
    runner.write_report("quick", runner.table(rows).replace("0.90×", "0.91×"))
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert "Notes by hand." in text and text.count("<!-- results:quick:begin -->") == 1
    assert "| 3 relay | case | 900 events/s | 1,000 events/s | 0.91× | ≥ 0.8× | yes |  |" in text  # replaced
    assert "0.90×" not in text


def test_a_corpus_made_anew_replaces_the_stale_ones_of_its_seed_and_scale(tmp_path, monkeypatch):
    from bench import events
    monkeypatch.setattr(events, "CACHE", tmp_path)
    monkeypatch.setattr(events, "_generate", lambda scale, seed: [])
    stale, other = tmp_path / "corpus-7-0.5-2020-01-01-0123456789ab.jsonl", tmp_path / "corpus-8-0.5-2020-01-01.jsonl"
    for path in (stale, other):
        path.write_bytes(b"x\n")
    events.corpus(0.5, seed=7)
    assert not stale.exists() and other.exists()             # another seed's is kept
    assert [p.name for p in tmp_path.glob("corpus-7-*")] == [f"corpus-7-0.5-{events.today().isoformat()}-"
                                                            f"{events._contracts()}.jsonl"]
