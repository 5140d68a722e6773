"""Contract of the event store port, run unchanged against memory, SQLite and MongoDB."""
from __future__ import annotations

import random
import threading
from collections import defaultdict

import pytest

from shared.eventstore import ConcurrencyError
from tests.contract.support import counted, event, same_event

FAMILY = "contract"


def read_all(store, page: int = 1000):
    """Everything `read_after` returns from position 0, page by page."""
    store.sequence_pending()
    out, position = [], 0
    while True:
        batch = store.read_after(position, page)
        if not batch:
            return out
        assert len(batch) <= page
        out.extend(batch)
        position = batch[-1].position


def test_a_new_stream_is_empty_and_appends_read_back_in_version_order(event_store):
    assert event_store.read_stream("visit-none") == []
    first = counted(FAMILY, "visit-1", 1, 2)
    second = counted(FAMILY, "visit-1", 3, 3)
    event_store.append("visit-1", 0, first)
    event_store.append("visit-1", 2, second)
    other = counted(FAMILY, "visit-2", 1, 1)
    event_store.append("visit-2", 0, other)

    stream = event_store.read_stream("visit-1")
    assert [e.version for e in stream] == [1, 2, 3, 4, 5]
    assert all(same_event(a, b) for a, b in zip(stream, first + second))
    assert [e.id for e in event_store.read_stream("visit-2")] == [other[0].id]


def test_events_round_trip_unchanged(event_store):
    data = {"amount": 7, "note": "三问三送三学：南昌市东湖区 ✓", "nested": {"a.b": [[1, 2], [3, [4]]]},
            "empty": {}, "none": None, "flag": True, "ratio": 0.25}
    original = event(FAMILY, "visit-中文", 1, data=data, region="360102", tier="county")
    event_store.append("visit-中文", 0, [original])
    (back,) = event_store.read_stream("visit-中文")
    assert same_event(back, original)
    assert back.time.utcoffset().total_seconds() == 0
    (sequenced,) = read_all(event_store)
    assert same_event(sequenced, original) and sequenced.position is not None


def test_concurrent_appenders_exactly_one_wins(event_store, store_factory):
    stores = [store_factory() for _ in range(8)]
    for round_, expected in enumerate((0, 3)):
        batches = [counted(FAMILY, "visit-race", expected + 1, 3, amount=lambda v, i=i: 100 * i + v)
                   for i in range(len(stores))]
        barrier = threading.Barrier(len(stores))
        results: list = [None] * len(stores)

        def append(i):
            barrier.wait()
            try:
                stores[i].append("visit-race", expected, batches[i])
                results[i] = "won"
            except ConcurrencyError as exc:
                results[i] = exc
            except Exception as exc:  # anything else is a broken contract
                results[i] = exc

        threads = [threading.Thread(target=append, args=(i,)) for i in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winners = [i for i, r in enumerate(results) if r == "won"]
        assert len(winners) == 1, results
        losers = [r for r in results if r != "won"]
        assert all(isinstance(r, ConcurrencyError) for r in losers), losers
        assert all(r.stream == "visit-race" and r.expected == expected for r in losers)

        stream = event_store.read_stream("visit-race")
        assert [e.version for e in stream] == list(range(1, expected + 4))
        won = batches[winners[0]]
        assert all(same_event(a, b) for a, b in zip(stream[expected:], won))
    # Nothing of the losers went anywhere, the global log included.
    assert len(read_all(event_store)) == 6


def test_a_conflicting_multi_event_append_leaves_nothing(event_store):
    head = counted(FAMILY, "visit-1", 1, 1)
    event_store.append("visit-1", 0, head)
    conflicting = counted(FAMILY, "visit-1", 1, 3)
    with pytest.raises(ConcurrencyError) as info:
        event_store.append("visit-1", 0, conflicting)
    assert info.value.expected == 0
    assert [e.id for e in event_store.read_stream("visit-1")] == [head[0].id]
    ids = {e.id for e in read_all(event_store)}
    assert ids == {head[0].id}


def test_a_stale_expected_version_leaves_the_stream_unchanged(event_store):
    event_store.append("visit-1", 0, counted(FAMILY, "visit-1", 1, 2))
    before = event_store.read_stream("visit-1")
    for stale in (0, 1):
        with pytest.raises(ConcurrencyError):
            event_store.append("visit-1", stale, counted(FAMILY, "visit-1", stale + 1, 2))
    # Ahead of the stream is as wrong as behind it.
    with pytest.raises(ConcurrencyError):
        event_store.append("visit-1", 5, counted(FAMILY, "visit-1", 6, 1))
    with pytest.raises(ConcurrencyError):
        event_store.append("visit-never", 1, counted(FAMILY, "visit-never", 2, 1))
    assert event_store.read_stream("visit-1") == before
    assert event_store.read_stream("visit-never") == []
    assert len(read_all(event_store)) == 2


def test_events_that_do_not_continue_the_stream_are_refused(event_store):
    with pytest.raises(ValueError):
        event_store.append("visit-1", 0, [])
    with pytest.raises(ValueError):
        event_store.append("visit-1", 0, counted(FAMILY, "visit-1", 2, 2))  # gap
    with pytest.raises(ValueError):
        event_store.append("visit-1", 0, counted(FAMILY, "visit-1", 1, 1) + counted(FAMILY, "visit-1", 1, 1))
    with pytest.raises(ValueError):
        event_store.append("visit-1", 0, counted(FAMILY, "visit-2", 1, 1))  # another stream's
    assert event_store.read_stream("visit-1") == []
    assert read_all(event_store) == []


def test_read_after_walks_everything_once_keeping_each_streams_order(event_store, store_factory):
    streams = [f"visit-{i}" for i in range(12)]
    appended: dict[str, list] = defaultdict(list)
    lock = threading.Lock()

    def writer(seed):
        rng = random.Random(seed)
        store = store_factory()
        mine = streams[seed::4]
        heads = {s: 0 for s in mine}
        for _ in range(25):
            s = rng.choice(mine)
            batch = counted(FAMILY, s, heads[s] + 1, rng.randint(1, 3))
            store.append(s, heads[s], batch)
            heads[s] += len(batch)
            with lock:
                appended[s].extend(batch)

    errors = []

    def run(seed):
        try:
            writer(seed)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    # Sequencing while the writers are still appending must not break any stream's order.
    while any(t.is_alive() for t in threads):
        event_store.sequence_pending()
    for t in threads:
        t.join()
    assert not errors

    everything = read_all(event_store, page=7)  # pages that cut through multi-event appends
    total = sum(len(v) for v in appended.values())
    assert len(everything) == total
    positions = [e.position for e in everything]
    assert positions == sorted(positions) and len(set(positions)) == total
    assert {e.id for e in everything} == {e.id for v in appended.values() for e in v}
    by_stream = defaultdict(list)
    for e in everything:
        by_stream[e.stream].append(e)
    for s, events in appended.items():
        assert [e.id for e in by_stream[s]] == [e.id for e in events], s
        assert [e.version for e in by_stream[s]] == list(range(1, len(events) + 1))
        assert [e.id for e in event_store.read_stream(s)] == [e.id for e in events]

    # read_after from any position returns exactly what lies beyond it.
    middle = everything[total // 2]
    rest = event_store.read_after(middle.position, limit=10_000)
    assert [e.id for e in rest] == [e.id for e in everything[total // 2 + 1:]]
    assert event_store.read_after(everything[-1].position) == []
    assert [e.id for e in event_store.read_after(0, limit=3)] == [e.id for e in everything[:3]]


def test_later_appends_sort_after_what_was_already_read(event_store):
    event_store.append("visit-1", 0, counted(FAMILY, "visit-1", 1, 2))
    first = read_all(event_store)
    last = first[-1].position
    event_store.append("visit-2", 0, counted(FAMILY, "visit-2", 1, 1))
    event_store.append("visit-1", 2, counted(FAMILY, "visit-1", 3, 2))
    event_store.sequence_pending()
    later = event_store.read_after(last)
    assert [(e.stream, e.version) for e in later if e.stream == "visit-1"] == [("visit-1", 3), ("visit-1", 4)]
    assert len(later) == 3 and all(e.position > last for e in later)
    assert event_store.sequence_pending() == 0  # nothing left to number


def test_checkpoints(event_store, store_factory):
    assert event_store.get_checkpoint("outbox") == 0
    event_store.set_checkpoint("outbox", 5)
    event_store.set_checkpoint("views", 2)
    event_store.set_checkpoint("outbox", 9)
    other = store_factory()
    assert other.get_checkpoint("outbox") == 9
    assert other.get_checkpoint("views") == 2
    assert other.get_checkpoint("never") == 0
