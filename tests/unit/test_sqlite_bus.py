"""The embedded bus beyond the bus contract: a poll hands over a bounded number of bytes, lanes
of a group start from its checkpoint and give it back the lowest of theirs, and a file written
before messages kept their key's hash serves lanes once opened."""
import sqlite3

from shared.bus import Lane, sqlite as sqlite_bus
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


def consumed_to(bus: SQLiteBus, group: str, topics: list[str], n: int) -> None:
    """Poll `n` messages as `group` and commit."""
    with bus.subscribe(topics, group) as sub:
        got = []
        while len(got) < n:
            got += sub.poll(timeout=0.1, max_messages=n - len(got))
        sub.commit()


def positions(bus: SQLiteBus, group: str, topics: list[str]) -> list[int]:
    with bus.subscribe(topics, group) as sub:
        return [m.offset for m in sub.poll(timeout=0.1, max_messages=1000)]


def test_lanes_start_at_the_groups_checkpoint_and_give_back_the_lowest_of_theirs(tmp_path):
    bus = SQLiteBus(f"sqlite:///{tmp_path}/bus.db")
    bus.publish("a", [(f"k{i}", b"x") for i in range(10)])
    bus.publish("b", [(f"k{i}", b"y") for i in range(4)])
    consumed_to(bus, "g", ["a"], 3)                       # g had read 3 of a, none of b
    lanes = [Lane(i, 3).group("g") for i in range(3)]
    assert lanes == ["g#0/3", "g#1/3", "g#2/3"]
    bus.start_lanes("g", lanes, ["a", "b"])
    assert [len(positions(bus, lane, ["a"])) for lane in lanes] == [7, 7, 7]

    consumed_to(bus, lanes[0], ["a", "b"], 11)            # everything
    consumed_to(bus, lanes[1], ["a", "b"], 5)             # 5 more of a (ahead of b's, in offset order)
    bus.join_lanes("g", lanes, ["a", "b"])                # lane 2 never committed: counts as g's own
    assert len(positions(bus, "g", ["a"])) == 7 and len(positions(bus, "g", ["b"])) == 4
    assert len(positions(bus, lanes[0], ["a", "b"])) == 14  # lanes forgotten: a lane group starts afresh

    bus.start_lanes("g", lanes, ["a", "b"])
    consumed_to(bus, lanes[0], ["a", "b"], 11)
    consumed_to(bus, lanes[1], ["a", "b"], 2)
    consumed_to(bus, lanes[2], ["a", "b"], 11)
    bus.join_lanes("g", lanes, ["a", "b"])                # the slowest lane: 2 past g's 3 on a, none of b
    assert len(positions(bus, "g", ["a"])) == 5 and len(positions(bus, "g", ["b"])) == 4

    bus.start_lanes("g", lanes, ["a", "b"])
    for lane in lanes:
        consumed_to(bus, lane, ["a", "b"], 9)
    bus.start_lanes("g", ["g#0/2"], ["a"])                # a lane of an earlier count, left behind
    bus.join_lanes("g", lanes, ["a", "b"])
    assert positions(bus, "g", ["a", "b"]) == []
    assert len(positions(bus, "g#0/2", ["a"])) == 10      # forgotten too
    bus.close()


def test_a_bus_file_without_key_hashes_gets_them_when_opened(tmp_path):
    path = tmp_path / "bus.db"
    with sqlite3.connect(path) as conn:  # the messages table as it was
        conn.executescript("CREATE TABLE messages (offset INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
                           "key TEXT NOT NULL, value BLOB NOT NULL);")
        conn.executemany("INSERT INTO messages (topic, key, value) VALUES ('t', ?, ?)",
                         [(f"k{i}", b"old-%d" % i) for i in range(12)])
    conn.close()
    bus = SQLiteBus(f"sqlite:///{path}")
    bus.publish("t", [(f"k{i}", b"new-%d" % i) for i in range(12)])
    lane = Lane(0, 3)
    assert not lane.holds("k11")                          # (the last message is another lane's)
    with bus.subscribe(["t"], "g", lane=lane) as sub:
        got = sub.poll(timeout=0.1, max_messages=100)
        assert sub.lag() == 0                              # the others' rows, at the end too, passed over
    wanted = [f"k{i}" for i in range(12) if lane.holds(f"k{i}")]
    assert [m.value for m in got] == [b"old-" + k[1:].encode() for k in wanted] + [b"new-" + k[1:].encode() for k in wanted]
    bus.close()
    SQLiteBus(f"sqlite:///{path}").close()                # opened again: nothing left to do
