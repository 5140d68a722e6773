"""The embedded bus's own bound (beyond the bus contract): a poll hands over a bounded number of bytes."""
from shared.bus import sqlite as sqlite_bus
from shared.bus.sqlite import SQLiteBus


def test_a_poll_stops_at_its_byte_bound_but_always_hands_over_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_bus, "MAX_POLL_BYTES", 1000)
    bus = SQLiteBus(f"sqlite:///{tmp_path}/bus.db")
    values = [b"a" * 400, b"b" * 400, b"c" * 400, b"d" * 2500, b"e" * 10]
    bus.publish("t", [(f"k{i}", v) for i, v in enumerate(values)])
    with bus.subscribe(["t"], "g") as sub:
        sizes = [[len(m.value) for m in sub.poll(timeout=0.1, max_messages=100)] for _ in range(4)]
        assert sub.poll(timeout=0.1) == []
    # 400 + 400 fit in 1000 bytes, a third would not; 2,500 bytes alone exceed the bound, and come alone.
    assert sizes == [[400, 400], [400], [2500], [10]]
    bus.close()
