"""From append through the outbox relay and the bus to a consumer, on each whole stack.

Stacks (see conftest): memory fakes, the embedded default (SQLite store, SQLite bus, SQLite
projections) and the distributed one (MongoDB store, Kafka, MongoDB projections).
"""
from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict

import pytest

from shared.bus import BusUnavailable, topic_for
from shared.consumer import DEAD_LETTERS, Consumer
from shared.envelope import from_bytes, to_bytes, to_cloudevent
from shared.eventstore import ConcurrencyError
from shared.outbox import CHECKPOINT, OutboxRelay
from tests.contract.conftest import STACK_ADAPTERS, STACKS, make_bus, make_event_store, make_projection_store
from tests.contract.support import (TOPIC_PREFIX, RecordingProjection, SumProjection, SwitchableBus, counted,
                                    event, make_registry, poll_all, topics_of, wait_until)


def consumer_for(bus, registries, projections, group, projection_list):
    return Consumer(bus, topics_of(registries), group, {r.family: r for r in registries}, projections,
                    projection_list)


def append_random(store, families, streams_per_family, commits, seed, appended, lock):
    """Random appends of 1-3 events to this writer's streams; records them in `appended`."""
    rng = random.Random(seed)
    mine = [(f, f"{f}-s{seed}-{i}") for f in families for i in range(streams_per_family)]
    heads = {s: 0 for _, s in mine}
    for _ in range(commits):
        family, stream = rng.choice(mine)
        batch = counted(family, stream, heads[stream] + 1, rng.randint(1, 3), amount=lambda v: rng.randint(1, 9))
        store.append(stream, heads[stream], batch)
        heads[stream] += len(batch)
        with lock:
            appended[stream].extend(batch)


def test_each_streams_order_holds_from_append_to_consumer(stack, names):
    registries = [make_registry(names("fa")), make_registry(names("fb"))]
    families = [r.family for r in registries]
    stack.bus.ensure_topics(topics_of(registries))
    relay = OutboxRelay(stack.store, stack.bus, TOPIC_PREFIX)
    appended: dict[str, list] = defaultdict(list)
    lock = threading.Lock()
    writers = [_run_in_thread(append_random, stack.store, families, 3, 30, seed, appended, lock)
               for seed in range(4)]
    while any(w.is_alive() for w, _ in writers):  # the relay runs while the writers append
        relay.run_once(batch=17)
    assert not [e for _, errors in writers for e in errors]
    # A writer that lost a race: its events were never stored, so they must never be published.
    some_stream = next(iter(appended))
    lost = counted(families[0], some_stream, 1, 2)
    with pytest.raises(ConcurrencyError):
        stack.store.append(some_stream, 0, lost)
    relay.drain()
    total = sum(len(v) for v in appended.values())
    assert relay.published == total

    recorder = RecordingProjection()
    consumer = consumer_for(stack.bus, registries, stack.projections, names("g"), [recorder])
    try:
        consumer.catch_up()
    finally:
        consumer.close()
    assert consumer.dead == 0
    for stream, events in appended.items():
        assert recorder.order[stream] == list(range(1, len(events) + 1)), stream
        row = stack.projections.get(recorder.collection, stream)
        assert row["ids"] == [e.id for e in events] and row["_version"] == len(events)
    assert {e.id for e in recorder.seen} == {e.id for v in appended.values() for e in v}
    assert len(recorder.seen) == total

    # On the bus itself: each stream's events in version order, once each, nothing else.
    with stack.bus.subscribe(topics_of(registries), names("raw")) as raw:
        messages = poll_all(raw, total)
    assert len(messages) == total
    on_bus = defaultdict(list)
    for m in messages:
        e = from_bytes(m.value)
        assert m.key == e.stream and m.topic == topic_for(e.family, TOPIC_PREFIX)
        on_bus[e.stream].append(e.id)
    assert dict(on_bus) == {s: [e.id for e in v] for s, v in appended.items()}
    assert not {e.id for e in lost} & {e.id for e in recorder.seen}


def _run_in_thread(target, *args):
    """Start `target` in a thread; returns (thread, errors) where errors collects what it raised."""
    errors = []

    def run():
        try:
            target(*args)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


@pytest.mark.parametrize("kind", STACKS)
def test_the_outbox_keeps_events_while_the_bus_is_down(kind, request, tmp_path, names):
    """Events appended while the bus is down wait in the store; none is lost or invented."""
    store_kind, bus_kind, projection_kind = STACK_ADAPTERS[kind]
    kafka_server = request.getfixturevalue("kafka_server") if bus_kind == "kafka" else None
    store = make_event_store(store_kind, request, tmp_path, names("events"))
    bus = make_bus(bus_kind, request, tmp_path,
                   bootstrap=kafka_server.bootstrap_servers if kafka_server else None)
    projections = make_projection_store(projection_kind, request, tmp_path, names("projections"))
    for closer in (store.close, bus.close, projections.close):
        request.addfinalizer(closer)
    switch = SwitchableBus(bus)
    registry = make_registry(names("fam"))
    bus.ensure_topics(topics_of([registry]))
    relay = OutboxRelay(store, switch if kafka_server is None else bus, TOPIC_PREFIX)
    family = registry.family
    stop = threading.Event()
    relay_thread, relay_errors = None, []
    expected = []
    try:
        # Up: published at once.
        first = counted(family, "visit-1", 1, 3)
        store.append("visit-1", 0, first)
        expected += first
        assert relay.drain() == 3
        published_before = store.get_checkpoint(CHECKPOINT)

        # Down.
        if kafka_server is not None:
            kafka_server.stop(keep_data=True)
        else:
            switch.down = True
        while_down = counted(family, "visit-1", 4, 2) + counted(family, "visit-2", 1, 2)
        store.append("visit-1", 3, while_down[:2])
        store.append("visit-2", 0, while_down[2:])
        expected += while_down
        if kafka_server is None:
            with pytest.raises(BusUnavailable):
                relay.run_once()
            assert store.get_checkpoint(CHECKPOINT) == published_before
        relay_thread, relay_errors = _run_in_thread(relay.run_forever, stop, 0.05, 1.0)
        deadline = time.monotonic() + (4.0 if kafka_server else 1.0)
        while time.monotonic() < deadline:
            assert store.get_checkpoint(CHECKPOINT) == published_before
            time.sleep(0.1)
        later = counted(family, "visit-2", 3, 1) + counted(family, "visit-3", 1, 1)
        store.append("visit-2", 2, later[:1])
        store.append("visit-3", 0, later[1:])
        expected += later
        assert store.get_checkpoint(CHECKPOINT) == published_before
        assert not relay_errors

        # Up again.
        if kafka_server is not None:
            kafka_server.start()
        else:
            assert switch.refused > 1  # the relay kept trying
            switch.down = False
    finally:
        if kafka_server is not None and not kafka_server.running:
            kafka_server.start()
    try:
        store.sequence_pending()
        last = store.read_after(0, 10_000)[-1].position
        wait_until(lambda: store.get_checkpoint(CHECKPOINT) == last, timeout=90, interval=0.2,
                   what="the relay to publish what waited")
    finally:
        stop.set()
        if relay_thread is not None:
            relay_thread.join(60)
    assert not relay_errors, relay_errors

    recorder = RecordingProjection()
    consumer = Consumer(bus, topics_of([registry]), names("g"), {family: registry}, projections, [recorder])
    try:
        consumer.catch_up()
    finally:
        consumer.close()
    assert Counter(e.id for e in recorder.seen) == Counter(e.id for e in expected)
    for stream in ("visit-1", "visit-2", "visit-3"):
        mine = [e for e in expected if e.stream == stream]
        assert recorder.order[stream] == list(range(1, len(mine) + 1))
    with bus.subscribe(topics_of([registry]), names("raw")) as raw:
        on_bus = [from_bytes(m.value).id for m in poll_all(raw, len(expected))]
    assert set(on_bus) == {e.id for e in expected}  # none lost, none invented
    if kafka_server is None:
        assert len(on_bus) == len(expected)  # nothing was half-published, so nothing twice


class FailingHalfway(SwitchableBus):
    """Takes the first `ok` publish calls, then refuses one: a relay crash between two topics."""

    def __init__(self, inner, ok: int):
        super().__init__(inner)
        self.ok = ok
        self.before_failure: list[bytes] = []

    def publish(self, topic, messages):
        if self.ok == 0:
            self.ok = -1
            raise BusUnavailable("went away halfway through a batch")
        if self.ok > 0:
            self.ok -= 1
            self.before_failure.extend(value for _, value in messages)
        self.inner.publish(topic, messages)


def test_a_batch_published_twice_is_counted_once(stack, names):
    registries = [make_registry(names("fa")), make_registry(names("fb"))]
    stack.bus.ensure_topics(topics_of(registries))
    flaky = FailingHalfway(stack.bus, ok=1)
    relay = OutboxRelay(stack.store, flaky, TOPIC_PREFIX)
    expected = defaultdict(int)
    for i in range(6):  # alternating families: one batch goes out in several publish calls
        family = registries[i % 2].family
        stream = f"{family}-{i}"
        batch = counted(family, stream, 1, 2 + i % 2, amount=lambda v, i=i: 10 * v + i)
        stack.store.append(stream, 0, batch)
        expected[stream] = sum(e.data["amount"] for e in batch)
    with pytest.raises(BusUnavailable):
        relay.run_once()
    assert stack.store.get_checkpoint(CHECKPOINT) == 0
    relay.drain()
    with stack.bus.subscribe(topics_of(registries), names("raw")) as raw:
        messages = poll_all(raw, 15 + len(flaky.before_failure))
    ids = Counter(from_bytes(m.value).id for m in messages)
    # At least once: the part that went out before the failure went out again.
    assert flaky.before_failure and len(ids) == 15
    assert {i for i, n in ids.items() if n > 1} == {from_bytes(v).id for v in flaky.before_failure}
    assert len(messages) == 15 + len(flaky.before_failure)

    consumer = consumer_for(stack.bus, registries, stack.projections, names("g"), [SumProjection()])
    try:
        consumer.catch_up()
    finally:
        consumer.close()
    rows = stack.projections.find("sums")
    assert {r["_id"]: r["total"] for r in rows} == dict(expected)
    assert {r["_id"]: (r["count"], r["_version"]) for r in rows} == {
        s: (2 + i % 2, 2 + i % 2) for i, s in enumerate(expected)}


def test_undecodable_messages_are_dead_lettered_and_the_consumer_goes_on(stack, names):
    registry = make_registry(names("fam"))
    family = registry.family
    topic = topic_for(family, TOPIC_PREFIX)
    stack.bus.ensure_topics([topic])
    key = "visit-1"

    def raw(e):
        return (e.stream, to_bytes(e))

    def tweaked(e, **changes):
        ce = to_cloudevent(e)
        ce.update(changes)
        return (e.stream, json.dumps(ce, ensure_ascii=False).encode())

    good = counted(family, key, 1, 5)
    bad = {
        "UnknownEventType": tweaked(event(family, key, 2), type=f"cn.shuangwan.{family}.NoSuchThing"),
        "UnknownEventType v7": tweaked(good[2], dataversion=7, id="v7-" + good[2].id),
        "MalformedEnvelope": (key, b"\x00\x01 this is not JSON \xff"),
        "InvalidPayload": raw(event(family, key, 3, data={"amount": "lots", "note": ""})),
        "UnknownEventType family": tweaked(event(family, key, 3), type="cn.shuangwan.nosuchfamily.Counted"),
        "MalformedEnvelope foreign": (key, json.dumps({"specversion": "1.0", "id": "x", "type": "com.example.X",
                                                       "source": "/x"}).encode()),
    }
    stack.bus.publish(topic, [raw(good[0]), raw(good[1])] + list(bad.values()) + [raw(e) for e in good[2:]])

    consumer = Consumer(stack.bus, [topic], names("g"), {family: registry}, stack.projections, [SumProjection()])
    try:
        consumer.catch_up()
    finally:
        consumer.close()
    assert consumer.dead == len(bad)
    row = stack.projections.get("sums", key)
    assert (row["total"], row["count"], row["_version"]) == (1 + 2 + 3 + 4 + 5, 5, 5)
    letters = stack.projections.find(DEAD_LETTERS)
    assert len(letters) == len(bad)
    reasons = sorted(d["reason"].split(":")[0] for d in letters)
    assert reasons == sorted(k.split()[0] for k in bad)
    for letter in letters:
        assert letter["topic"] == topic and letter["key"] == key and letter["reason"]
        assert letter["_id"] == f"{topic}/{letter['partition']}/{letter['offset']}"
    by_reason = {d["reason"]: d for d in letters}
    assert any("NoSuchThing" in r for r in by_reason)
    assert any("v7" in r for r in by_reason)
    assert any("not JSON" in r for r in by_reason)
    assert any("lots" in r or "amount" in r for r in by_reason if r.startswith("InvalidPayload"))
    assert any("this is not JSON" in d["raw"] for d in letters)
    # Dead letters are kept once: consuming the same messages again changes nothing.
    again = Consumer(stack.bus, [topic], names("g2"), {family: registry}, stack.projections, [SumProjection()])
    try:
        again.catch_up()
    finally:
        again.close()
    assert len(stack.projections.find(DEAD_LETTERS)) == len(bad)
    assert stack.projections.get("sums", key) == row


def test_a_stored_v1_event_reaches_consumers_as_v2(stack, names):
    registry = make_registry(names("fam"))
    family = registry.family
    stack.bus.ensure_topics(topics_of([registry]))
    old = event(family, "survey-1", 1, type="Scored", schema_version=1, data={"points": 87})
    current = event(family, "survey-1", 2, type="Scored", data={"score": 4, "scale": 5})
    stack.store.append("survey-1", 0, [old])
    stack.store.append("survey-1", 1, [current])
    # The store keeps what was written, as it was written.
    assert [(e.schema_version, e.data) for e in stack.store.read_stream("survey-1")] == [
        (1, {"points": 87}), (2, {"score": 4, "scale": 5})]
    OutboxRelay(stack.store, stack.bus, TOPIC_PREFIX).drain()

    recorder = RecordingProjection()
    consumer = Consumer(stack.bus, topics_of([registry]), names("g"), {family: registry}, stack.projections,
                        [recorder])
    try:
        consumer.catch_up()
    finally:
        consumer.close()
    assert consumer.dead == 0
    assert [(e.version, e.schema_version, e.data) for e in recorder.seen] == [
        (1, 2, {"score": 87, "scale": 100}), (2, 2, {"score": 4, "scale": 5})]  # upcast: v2 in shape and in name
    assert stack.projections.get("recorded", "survey-1")["data"] == {"score": 4, "scale": 5}
    with stack.bus.subscribe(topics_of([registry]), names("raw")) as raw:
        first = from_bytes(poll_all(raw, 2)[0].value)
    assert (first.schema_version, first.data) == (1, {"points": 87})  # the wire carries it as stored
    assert registry.decode(first.type, first.schema_version, first.data) == {"score": 87, "scale": 100}


def test_a_consumer_refuses_two_projections_writing_one_collection():
    """A batch is folded whole before it is written: two projections sharing a collection would
    each read the rows as they were before the batch, and the second would overwrite the first."""
    with pytest.raises(ValueError, match="one collection"):
        Consumer(None, [], "g", {}, None, [SumProjection(), SumProjection()])
    assert Consumer(None, [], "g", {}, None, [SumProjection(), RecordingProjection()]).projections
