"""Contract of the event bus port, run unchanged against memory, SQLite and Kafka."""
from __future__ import annotations

import time
from collections import defaultdict

from shared.bus import Lane
from tests.contract.support import poll_all, wait_until


def by_key(messages):
    out = defaultdict(list)
    for m in messages:
        out[m.key].append(m.value)
    return out


def test_messages_of_one_key_keep_their_order_and_arrive_unchanged(bus, names):
    topic = names("order")
    bus.ensure_topics([topic])
    bus.ensure_topics([topic])  # idempotent
    keys = ["visit-a", "visit-b", "问题-c", "visit-d", "visit-e"]
    published = defaultdict(list)
    for round_ in range(4):
        batch = []
        for i in range(40):
            key = keys[(i * 7 + round_) % len(keys)]
            value = f"{key}#{len(published[key])}".encode() + b"\x00\xff" + "；中文".encode()
            published[key].append(value)
            batch.append((key, value))
        bus.publish(topic, batch)

    with bus.subscribe([topic], names("g")) as sub:
        got = poll_all(sub, 160, max_messages=37)
    assert len(got) == 160
    assert all(m.topic == topic for m in got)
    assert dict(by_key(got)) == dict(published)
    refs = [m.ref for m in got]
    assert len(set(refs)) == len(refs)
    partitions = defaultdict(list)
    for m in got:
        partitions[m.partition].append(m.offset)
    assert all(offsets == sorted(offsets) for offsets in partitions.values())


def test_a_subscription_reads_all_its_topics_and_groups_are_independent(bus, names):
    one, two = names("one"), names("two")
    bus.ensure_topics([one, two])
    bus.publish(one, [("k1", b"1a"), ("k2", b"1b")])
    bus.publish(two, [("k1", b"2a")])
    bus.publish(one, [("k1", b"1c")])
    with bus.subscribe([one, two], names("g1")) as sub:
        got = poll_all(sub, 4)
        assert sorted((m.topic, m.value) for m in got) == [(one, b"1a"), (one, b"1b"), (one, b"1c"), (two, b"2a")]
        sub.commit()
    # Another group starts from the beginning whatever the first one committed.
    with bus.subscribe([one], names("g2")) as sub:
        got = poll_all(sub, 3)
        assert sorted(m.value for m in got) == [b"1a", b"1b", b"1c"]


def test_a_new_subscription_resumes_after_the_last_commit_not_the_last_poll(bus, names):
    topic, group = names("resume"), names("g")
    bus.ensure_topics([topic])
    published = [(f"visit-{i % 5}", f"m{i:02d}".encode()) for i in range(30)]
    bus.publish(topic, published)

    with bus.subscribe([topic], group) as sub:
        committed = []
        while len(committed) < 8:
            committed.extend(sub.poll(timeout=0.5, max_messages=4))
        sub.commit()
        polled_not_committed = poll_all(sub, 30 - len(committed), max_messages=5)
        assert len(committed) + len(polled_not_committed) == 30
        assert sub.lag() == 0

    with bus.subscribe([topic], group) as sub:
        assert sub.lag() == 30 - len(committed)
        again = poll_all(sub, 30 - len(committed))
        assert sorted(m.value for m in again) == sorted(m.value for m in polled_not_committed)
        assert {m.value for m in again}.isdisjoint(m.value for m in committed)
        # Within a key, it picks up right after that key's last committed message.
        for key, values in by_key(again).items():
            everything = [v for k, v in published if k == key]
            done = [m.value for m in committed if m.key == key]
            assert values == everything[len(done):]
        # Committing nothing more and reopening gives the same again.
    with bus.subscribe([topic], group) as sub:
        assert sorted(m.value for m in poll_all(sub, len(again))) == sorted(m.value for m in again)
        sub.commit()
    with bus.subscribe([topic], group) as sub:
        assert sub.lag() == 0
        assert sub.poll(timeout=0.5) == []


def test_lag_counts_what_was_not_consumed(bus, names):
    topic, group = names("lag"), names("g")
    bus.ensure_topics([topic])
    with bus.subscribe([topic], group) as sub:
        assert sub.lag() == 0
        bus.publish(topic, [(f"k{i % 3}", b"x%d" % i) for i in range(12)])
        wait_until(lambda: sub.lag() == 12, timeout=15, what="lag of 12")
        got = []
        while len(got) < 5:
            got.extend(sub.poll(timeout=0.5, max_messages=5 - len(got)))
        assert sub.lag() == 12 - len(got)
        rest = poll_all(sub, 12 - len(got))
        assert len(got) + len(rest) == 12
        assert sub.lag() == 0
        bus.publish(topic, [("k9", b"late")])
        wait_until(lambda: sub.lag() == 1, timeout=15, what="lag of 1")
        assert [m.value for m in poll_all(sub, 1)] == [b"late"]
        assert sub.lag() == 0
        sub.commit()


def test_lag_stays_exact_across_topics_when_polls_overtake_it(bus, names):
    a, b, group = names("lag-a"), names("lag-b"), names("g")
    bus.ensure_topics([a, b])
    with bus.subscribe([a, b], group) as sub:
        bus.publish(a, [("k", b"a%d" % i) for i in range(4)])
        bus.publish(b, [("k", b"b%d" % i) for i in range(3)])
        wait_until(lambda: sub.lag() == 7, timeout=15, what="lag of 7")
        bus.publish(a, [("k", b"a-late")])     # published after lag last looked
        bus.publish(b, [("k", b"b-late")])
        got = poll_all(sub, 9)                  # and consumed before it looks again
        assert sorted(m.value for m in got) == sorted([b"a0", b"a1", b"a2", b"a3", b"b0", b"b1", b"b2",
                                                       b"a-late", b"b-late"])
        assert sub.lag() == 0
        bus.publish(b, [("k", b"b-last")])
        wait_until(lambda: sub.lag() == 1, timeout=15, what="lag of 1")
        sub.commit()


def test_an_empty_topic_polls_empty(bus, names):
    topic = names("empty")
    bus.ensure_topics([topic])
    with bus.subscribe([topic], names("g")) as sub:
        assert sub.poll(timeout=0.3) == []
        assert sub.lag() == 0
        sub.commit()


def test_a_new_subscription_delivers_even_when_every_poll_is_short(bus, names):
    """Short polls while the group is still forming must not leave a subscription without input."""
    for attempt in range(5):
        topic = names("short", str(attempt))
        bus.ensure_topics([topic])
        bus.publish(topic, [("k", b"only")])
        with bus.subscribe([topic], names("g", str(attempt))) as sub:
            got = []
            deadline = time.monotonic() + 20
            while not got and time.monotonic() < deadline:
                got = sub.poll(timeout=0.005)
            assert [m.value for m in got] == [b"only"], f"nothing within 20 s on attempt {attempt}"
            sub.commit()


def test_short_polls_over_two_topics_lose_and_repeat_nothing_across_a_commit(bus, names):
    """A poll may read further than it hands over; what it read ahead is neither skipped nor
    committed, and a subscription reopened after the commit picks up exactly there."""
    one, two, group = names("ahead-1"), names("ahead-2"), names("g")
    bus.ensure_topics([one, two])
    for i in range(6):
        bus.publish(one, [("k1", f"1-{i}-{j}".encode()) for j in range(3)])
        bus.publish(two, [("k2", f"2-{i}-{j}".encode()) for j in range(2)])
    with bus.subscribe([one, two], group) as sub:
        first = []
        while len(first) < 11:
            first.extend(sub.poll(timeout=0.5, max_messages=3))
        sub.commit()
    with bus.subscribe([one, two], group) as sub:
        rest = poll_all(sub, 30 - len(first), max_messages=4)
    got = first + rest
    assert len(got) == 30
    assert [m.value for m in got if m.topic == one] == [f"1-{i}-{j}".encode() for i in range(6) for j in range(3)]
    assert [m.value for m in got if m.topic == two] == [f"2-{i}-{j}".encode() for i in range(6) for j in range(2)]


def test_a_subscription_in_a_lane_hands_over_only_its_streams_and_consumes_the_rest(bus, names):
    """A rebuild's lane: its process is handed the streams of its lane, the bus passes over the
    others, and its checkpoint lies past both."""
    topic, group = names("lanes"), names("g")
    bus.ensure_topics([topic])
    lane = Lane(1, 3)
    streams = [f"stream-{i}" for i in range(12)]
    wanted = {s for s in streams if lane.holds(s)}
    others = [s for s in streams if s not in wanted]
    assert wanted and others                                        # (the test needs both kinds)
    published = [(s, f"{s}/{n}".encode()) for n in range(4) for s in streams + others[:1]]
    assert published[-1][0] not in wanted                           # the last one is another lane's
    bus.publish(topic, published)
    with bus.subscribe([topic], group, lane=lane) as sub:
        got = poll_all(sub, 4 * len(wanted), max_messages=7)
        for stream in wanted:                                       # all of them, each stream in order
            assert [m.value for m in got if m.key == stream] == [v for k, v in published if k == stream]
        assert {m.key for m in got} == wanted
        assert sub.poll(timeout=0.3) == [] and sub.lag() == 0       # the others consumed, unseen
        sub.commit()
    late = [(others[0], b"late-other"), (sorted(wanted)[0], b"late-wanted")]
    bus.publish(topic, late)
    with bus.subscribe([topic], group) as sub:                      # the group resumes past all of them
        assert sorted(m.value for m in poll_all(sub, 2)) == [b"late-other", b"late-wanted"]
        sub.commit()
    first = Lane(0, 3)
    theirs = [v for k, v in published + late if first.holds(k)]
    with bus.subscribe([topic], names("g2"), lane=first) as sub:    # another lane: the streams of its own
        assert sorted(m.value for m in poll_all(sub, len(theirs))) == sorted(theirs)
