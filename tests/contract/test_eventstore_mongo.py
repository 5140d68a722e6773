"""The MongoDB event store beyond the common contract: it names every document by `_id` (the one
look-up FerretDB serves without reading the whole collection), and a writer or relay that dies
between two of its steps loses nothing, numbers nothing twice and breaks no stream's order."""
from __future__ import annotations

import pymongo
import pytest
from pymongo import monitoring

import shared.eventstore.mongo as adapter
from shared.envelope import utcnow
from shared.eventstore import ConcurrencyError
from shared.eventstore.mongo import MongoEventStore
from tests.contract.support import counted, same_event

FAMILY = "contract"


@pytest.fixture
def open_store(mongodb_url, names):
    """open_store() → another handle on one store, as another process would open it."""
    opened = []

    def open_():
        store = MongoEventStore(mongodb_url, names("events"))
        opened.append(store)
        return store
    yield open_
    for store in opened:
        store.close()


def everything(store):
    store.sequence_pending()
    return store.read_after(0, 1_000_000)


def assert_log_whole(store, appended):
    """Every appended event once, positions 1…n, each stream in order, nothing left pending."""
    events = everything(store)
    assert [e.position for e in events] == list(range(1, len(appended) + 1))
    assert sorted(e.id for e in events) == sorted(e.id for e in appended)
    for stream in {e.stream for e in appended}:
        mine = [e for e in appended if e.stream == stream]
        assert [e.id for e in events if e.stream == stream] == [e.id for e in mine]
        assert all(same_event(a, b) for a, b in zip(store.read_stream(stream), mine))
    assert store._pending.count_documents({}) == 0
    assert store._commits.count_documents({"pos_first": None}) == 0


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.seen = []

    def started(self, event):
        self.seen.append((event.command_name, event.command))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def test_every_document_is_named_by_its_id(mongodb_url, names, monkeypatch):
    commands = Commands()
    client = pymongo.MongoClient(mongodb_url, tz_aware=True, event_listeners=[commands])
    monkeypatch.setattr(adapter, "database", lambda url, namespace: client[names("events")])
    try:
        writer, other, relay = MongoEventStore(mongodb_url, "x"), MongoEventStore(mongodb_url, "x"), \
            MongoEventStore(mongodb_url, "x")
        writer.append("visit-1", 0, counted(FAMILY, "visit-1", 1, 2))
        writer.append("visit-1", 2, counted(FAMILY, "visit-1", 3, 1))
        other.append("visit-1", 3, counted(FAMILY, "visit-1", 4, 3))   # head not known: walks the chain
        with pytest.raises(ConcurrencyError):
            writer.append("visit-1", 3, counted(FAMILY, "visit-1", 4, 1))
        assert len(other.read_stream("visit-1")) == 6
        relay.sequence_pending()
        relay.sequence_pending()
        assert len(relay.read_after(0)) == 6
        assert len(other.read_after(4)) == 2  # from inside a commit, in a store that never read the log
        relay.set_checkpoint("outbox", 6)
        assert relay.get_checkpoint("outbox") == 6
    finally:
        client.close()

    filters = []
    for name, command in commands.seen:
        collection = command.get(name)
        if name == "find":
            assert "sort" not in command
            filters.append((collection, command.get("filter", {})))
        elif name in ("update", "delete"):
            key = "updates" if name == "update" else "deletes"
            filters.extend((collection, statement["q"]) for statement in command[key])
    whole = [(c, f) for c, f in filters if set(f) != {"_id"} or not isinstance(f["_id"], str)]
    # The relay lists the pending markers; once per store, it looks for commits of an earlier layout.
    assert sorted(whole) == [("commits", {}), ("pending", {}), ("pending", {})], whole


def test_a_known_head_is_not_read_again_and_a_stale_one_still_conflicts(open_store):
    mine, theirs = open_store(), open_store()
    mine.append("visit-1", 0, counted(FAMILY, "visit-1", 1, 2))
    theirs.append("visit-1", 2, counted(FAMILY, "visit-1", 3, 1))
    for stale in (2, 1, 0):
        with pytest.raises(ConcurrencyError):
            mine.append("visit-1", stale, counted(FAMILY, "visit-1", stale + 1, 1))
    with pytest.raises(ConcurrencyError):  # ahead of the stream
        mine.append("visit-1", 4, counted(FAMILY, "visit-1", 5, 1))
    mine.append("visit-1", 3, counted(FAMILY, "visit-1", 4, 1))
    assert [e.version for e in theirs.read_stream("visit-1")] == [1, 2, 3, 4]


def test_a_writer_that_died_between_its_marker_and_its_commit_leaves_nothing_behind(open_store):
    store = open_store()
    store._pending.insert_one({"_id": "visit-1|1", "at": utcnow()})  # … and then it died
    assert store.sequence_pending() == 0
    assert store.read_after(0) == [] and store.read_stream("visit-1") == []
    # The command, tried again, takes the marker over.
    retried = counted(FAMILY, "visit-1", 1, 2)
    store.append("visit-1", 0, retried)
    assert_log_whole(open_store(), retried)


@pytest.mark.parametrize("dies_in, at_call", [("_finish", 1), ("_finish", 3), ("_set_hint", 1)])
def test_a_relay_that_died_half_way_is_finished_by_the_next(open_store, monkeypatch, dies_in, at_call):
    """Died after a log entry, before positioning its commit; or before moving the hint."""
    writer = open_store()
    appended = []
    for stream, (first, n) in [("visit-1", (1, 2)), ("visit-2", (1, 1)), ("visit-1", (3, 3)), ("visit-3", (1, 1))]:
        appended += counted(FAMILY, stream, first, n)
        writer.append(stream, first - 1, appended[-n:])

    class Died(Exception):
        pass

    dying = open_store()
    real = getattr(dying, dies_in)
    calls = []

    def die(*args):
        calls.append(args)
        if len(calls) == at_call:
            raise Died
        return real(*args)
    monkeypatch.setattr(dying, dies_in, die)
    with pytest.raises(Died):
        dying.sequence_pending()
    writer.append("visit-2", 1, counted(FAMILY, "visit-2", 2, 1))
    appended += writer.read_stream("visit-2")[1:]
    assert_log_whole(open_store(), appended)
    assert open_store().sequence_pending() == 0


def test_a_commit_without_its_marker_is_numbered_before_its_successor(open_store):
    store = open_store()
    assert store.sequence_pending() == 0  # (a new store: nothing of an earlier layout to take over)
    first, second = counted(FAMILY, "visit-1", 1, 2), counted(FAMILY, "visit-1", 3, 1)
    store.append("visit-1", 0, first)
    store._pending.delete_one({"_id": "visit-1|1"})
    store.append("visit-1", 2, second)
    assert_log_whole(open_store(), first + second)


def test_read_after_from_inside_a_commit_in_a_fresh_store(open_store):
    store = open_store()
    appended = counted(FAMILY, "visit-1", 1, 5) + counted(FAMILY, "visit-2", 1, 4)
    store.append("visit-1", 0, appended[:5])
    store.append("visit-2", 0, appended[5:])
    store.sequence_pending()
    for position in range(0, 10):
        assert [e.id for e in open_store().read_after(position, 3)] == [e.id for e in appended[position:position + 3]]
    assert open_store().read_after(9) == [] and open_store().read_after(1_000) == []


def test_a_store_written_by_the_earlier_layout_is_taken_over(open_store):
    """Commits with positions only in themselves (a gap among them), no markers, no log, no `prev`."""
    store = open_store()
    old = counted(FAMILY, "visit-1", 1, 2) + counted(FAMILY, "visit-2", 1, 1) + counted(FAMILY, "visit-1", 3, 1)
    layout = [("visit-1", 1, 2, 1), ("visit-2", 1, 1, 5), ("visit-1", 3, 3, None)]  # the last one not numbered yet
    for (stream, first, last, position), events in zip(layout, (old[:2], old[2:3], old[3:])):
        store._commits.insert_one({
            "_id": f"{stream}|{first}", "stream": stream, "first": first, "last": last,
            "events": [adapter.event_to_row(e) for e in events], "stored_at": utcnow(),
            "pos_first": position, "pos_last": None if position is None else position + last - first})
    new = counted(FAMILY, "visit-1", 4, 2)
    store.append("visit-1", 3, new)
    relay = open_store()
    relay.sequence_pending()
    events = relay.read_after(0)
    assert [(e.stream, e.version, e.position) for e in events] == [
        ("visit-1", 1, 1), ("visit-1", 2, 2), ("visit-2", 1, 5), ("visit-1", 3, 6), ("visit-1", 4, 7), ("visit-1", 5, 8)]
    assert [e.id for e in events] == [e.id for e in old + new]
    assert [e.position for e in open_store().read_after(2, 2)] == [5, 6]
    assert [e.position for e in open_store().read_after(3)] == [5, 6, 7, 8]


def test_reindex_derives_markers_and_log_from_the_commits_after_a_restore(open_store):
    store = open_store()
    appended = []
    for stream, first, n in [("visit-1", 1, 2), ("visit-2", 1, 1), ("visit-1", 3, 1), ("visit-3", 1, 2)]:
        appended += counted(FAMILY, stream, first, n)
        store.append(stream, first - 1, appended[-n:])
        if stream != "visit-3":
            store.sequence_pending()
    before = store.read_after(0)
    assert len(before) == 4
    # A backup that copied `log` and `pending` at other moments than `commits`.
    store._log.delete_one({"_id": adapter._key(3)})
    store._log.insert_one({"_id": adapter._key(5), "first": 5, "n": 1, "commit": "visit-9|1"})
    store._pending.delete_many({})
    store.reindex()
    assert [(e.id, e.position) for e in open_store().read_after(0)] == [(e.id, e.position) for e in before]
    assert_log_whole(open_store(), appended)
