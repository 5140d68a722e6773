"""The reporting consumer on the in-memory fakes: jurisdiction, exactly-once, dead letters, and
rebuilds by generation (and, on SQLite, where a generation is a file, one begun before a restart)."""
import gc
from pathlib import Path

import pytest

from services.reporting.context import ReportingContext
from services.reporting.domain.jurisdiction import child_of, keeps
from services.reporting.generations import Generations
from services.reporting.runner import LiveConsumer, StallWatch, catch_up, fill, rebuild
from shared.bus import Lane, Message
from shared.bus.memory import MemoryBus
from shared.contracts.appraisal import rating_answers
from shared.envelope import to_bytes
from shared.projections.memory import MemoryProjectionStore
from shared.projections.sqlite import PROVISIONAL, SQLiteProjectionStore
from shared.regions import default_regions
from tests.unit.reporting.support import (FAST, cadre, message, office, organ, problem_events, referred, response,
                                         visit)


def publish(bus: MemoryBus, events, family: str = "visits") -> None:
    bus.publish(f"t.{family}", [message(e) for e in events])


def caught_up(bus: MemoryBus, region: str = "360700") -> ReportingContext:
    """An office whose live consumer has read everything on `bus`."""
    ctx = office(region, bus)
    LiveConsumer(ctx, FAST).catch_up()
    return ctx


def everything(ctx: ReportingContext) -> dict:
    rows = ctx.rows()
    return {c: sorted(rows.find(c), key=lambda r: r["_id"]) for c in rows.collections()}


EVENTS = [
    organ("organ-a", "360702"), organ("organ-b", "360703"), organ("organ-city", "360700"),
    cadre("cadre-1", "organ-a", "360702", leading=True), cadre("cadre-2", "organ-b", "360703", leading=True),
    visit("visit-1", "360702", "2026-10-05", ["cadre-1"]), visit("visit-2", "360703", "2026-10-06", ["cadre-2"]),
    *problem_events("problem-1", "360702", steps=[referred("2026-10-02", "2026-10-09")]),
    *problem_events("problem-2", "360703"),
]


def rebuilding(events=EVENTS) -> tuple[MemoryBus, ReportingContext, int]:
    """The city's office on a bus holding `events`, and the generation it has begun to build."""
    bus = MemoryBus()
    publish(bus, events)
    ctx = office("360700", bus)
    return bus, ctx, ctx.generations.start_building()


def test_keeps_only_its_jurisdiction():
    county = keeps("360702")
    city = keeps("360700")
    province = keeps("360000")
    events = {e.stream: e for e in EVENTS}
    assert county(events["visit-1"]) and not county(events["visit-2"]) and not county(events["organ-city"])
    assert city(events["visit-2"]) and city(events["organ-city"]) and province(events["organ-city"])
    assert not keeps("360100")(events["visit-1"])  # 南昌 sees nothing of 赣州


def test_drill_down_lines():
    regions = default_regions()
    assert child_of("360000", "360702", regions) == "360700"   # province → its city
    assert child_of("360000", "360000", regions) == "360000"   # the province's own (本级)
    assert child_of("360700", "360702", regions) == "360702"   # city → its county
    assert child_of("360700", "360700", regions) == "360700"
    assert child_of("360700", "360782", regions) == "360703"   # 南康市's former code → 南康区
    assert child_of("360700", "360102", regions) is None        # outside
    assert child_of("360702", "360702", regions) == "360702"


def test_a_county_instance_keeps_nothing_of_its_neighbour():
    bus = MemoryBus()
    publish(bus, EVENTS)
    county, city = office("360702", bus), office("360700", bus)
    for ctx in (county, city):
        LiveConsumer(ctx, FAST).catch_up()
    kept = everything(county)
    assert {r["region"] for rows in kept.values() for r in rows} == {"360702"}
    assert [r["_id"] for r in kept["visits"]] == ["visit-1"]
    assert {r["_id"] for r in everything(city)["organs"]} == {"organ-a", "organ-b", "organ-city"}


def test_redelivery_changes_nothing():
    bus = MemoryBus()
    publish(bus, EVENTS)
    ctx = caught_up(bus)
    before = everything(ctx)
    # The same messages again, as after a crash between writing rows and committing: skipped by _version.
    publish(bus, EVENTS)
    LiveConsumer(ctx, FAST).catch_up()
    assert everything(ctx) == before
    # And a second consumer group reading everything from the start into the same rows: still the same.
    again = ctx.consumer(ctx.generations.active)
    again.group = "another-group"
    catch_up(again)
    assert everything(ctx) == before


def test_undecodable_messages_become_dead_letters():
    bus = MemoryBus()
    bus.publish("t.visits", [("k", b"not json"), ("k", b'{"specversion": "1.0"}')])
    publish(bus, EVENTS[:1])
    ctx = office("360700", bus)
    LiveConsumer(ctx, FAST).catch_up()
    letters = ctx.rows().find("dead_letters")
    assert sorted(d["_id"] for d in letters) == ["t.visits/0/0", "t.visits/0/1"]
    assert all(d["reason"].startswith("MalformedEnvelope") for d in letters)
    assert [r["_id"] for r in ctx.rows().find("organs")] == ["organ-a"]


def test_a_payload_of_an_older_schema_version_is_decoded_as_the_current_one():
    current = response("response-1", "campaign-1", "360702", "batch-1", "npc_deputy", {"organ-a": "satisfied"})
    answers = [{"organ_id": o, "dimension": d, "level": level} for o, d, level in rating_answers(current.data["ratings"])]
    v1 = current._replace(schema_version=1, data={**current.data, "ratings": answers})  # one object per answer
    consumer = office("360700").consumer(1)
    decoded = consumer.decode(Message("t.appraisal", v1.stream, to_bytes(v1), 0, 0))
    assert decoded.schema_version == 2 and decoded.data == current.data
    assert consumer.decode(Message("t.appraisal", current.stream, to_bytes(current), 0, 1)) == current


def test_generations_are_parts_of_the_store_and_are_swept():
    store = MemoryProjectionStore()
    generations = Generations(store, "t-reporting-360700")
    g1, g2 = generations.view(1), generations.view(2)
    g1.put("visits", {"_id": "a"})
    g2.put("visits", {"_id": "b"})
    assert store.parts() == {"g1", "g2"}
    assert (g1.collections(), g1.get("visits", "a"), g1.get("visits", "b")) == (["visits"], {"_id": "a"}, None)
    assert generations.read()["active"] == 1 and generations.known() == {1, 2}
    assert generations.group(1).startswith("t-reporting-360700-g1-")
    assert generations.start_building() == 3            # above every generation the store holds
    group = generations.group(3)
    assert generations.start_building() == 3            # a second call resumes the same one…
    assert generations.group(3) == group                # …with the same consumer group
    assert generations.sweep() == [2]                    # neither active nor building
    assert generations.switch(3) == 1
    assert (generations.active, generations.read()["building"], generations.group(3)) == (3, None, group)
    # A store thrown away starts its generations with new groups: nothing resumes an orphaned checkpoint.
    assert Generations(MemoryProjectionStore(), "t-reporting-360700").group(1) != generations.read()["groups"].get("1")
    with pytest.raises(RuntimeError):
        generations.switch(4)


class MachineStopped(MemoryProjectionStore):
    """A store whose provisional parts were all begun before the machine last stopped."""

    def __init__(self):
        super().__init__()
        self.durable: list[str | None] = []  # what make_durable was asked for, in order

    def part_intact(self, name: str) -> bool:
        return False

    def make_durable(self, part: str | None = None) -> None:
        self.durable.append(part)


def test_a_generation_begun_before_the_machine_stopped_is_begun_again_and_made_durable_before_the_switch():
    store = MachineStopped()
    generations = Generations(store, "t-reporting-360700")
    assert generations.start_building() == 2
    group = generations.group(2)
    generations.view(2, building=True).put("visits", {"_id": "a", "_version": 1})
    assert generations.start_building() == 3            # not resumed: its rows may be lost…
    assert store.parts() == set()                        # …so they are dropped
    assert "2" not in generations.read()["groups"] and generations.group(3) != group
    assert store.durable == []
    generations.switch(3)
    assert store.durable == ["g3", None]                 # its rows, then the switch, before any sweep


def test_on_sqlite_a_generation_begun_in_an_earlier_boot_is_deleted_and_begun_again(tmp_path):
    store = SQLiteProjectionStore(f"sqlite:///{tmp_path}/reporting-projections.db")
    generations = Generations(store, "t-reporting-360700")
    assert generations.start_building() == 2
    generations.view(2, building=True).put("visits", {"_id": "a", "_version": 1})
    assert generations.start_building() == 2             # killed, same boot: resumed
    Path(store.part_path("g2") + PROVISIONAL).write_text("an earlier boot of the machine")
    assert generations.start_building() == 3
    assert not Path(store.part_path("g2")).exists()
    generations.view(3, building=True).put("visits", {"_id": "a", "_version": 1})
    generations.switch(3)
    assert not Path(store.part_path("g3") + PROVISIONAL).exists() and store.part_intact("g3")
    assert generations.view().get("visits", "a") == {"_id": "a", "_version": 1}
    store.close()


def test_rebuild_switches_only_when_caught_up_and_gives_identical_rows():
    bus = MemoryBus()
    publish(bus, EVENTS)
    ctx = office("360700", bus)
    live = LiveConsumer(ctx, FAST)
    live.catch_up()
    before = everything(ctx)
    seen = []
    generation = rebuild(ctx, poll_timeout=FAST, progress=lambda handled, remaining: seen.append(
        (handled, remaining, ctx.generations.active, gc.isenabled())))
    assert generation == 2 and ctx.generations.active == 2
    # Python's collector is off during the rebuild (it collects after each batch) and on again after.
    assert not any(collecting for *_, collecting in seen) and gc.isenabled()
    assert all(active == 1 for _, _, active, _ in seen)     # queries answered from g1 until the switch
    assert sum(h for h, *_ in seen) == len(EVENTS)
    assert everything(ctx) == before
    assert Generations(ctx.store).known() == {2}          # g1 dropped
    # The live consumer follows the switch and goes on from where the rebuild stopped.
    publish(bus, [visit("visit-3", "360702", "2026-10-07", ["cadre-1"])])
    live.catch_up()
    assert live.generation == 2
    assert {r["_id"] for r in ctx.rows().find("visits")} == {"visit-1", "visit-2", "visit-3"}


def test_a_killed_rebuild_resumes_where_it_stopped():
    bus, ctx, generation = rebuilding()
    half = ctx.consumer(generation)
    half.run_once(max_messages=4)                          # some rows written, checkpoint committed…
    half.run_once(max_messages=3)
    half.subscription.poll(max_messages=2)                 # …and a batch read but never applied: killed
    half.close()
    assert ctx.generations.active == 1 and ctx.generations.read()["building"] == generation
    assert rebuild(ctx, poll_timeout=FAST) == generation                      # same generation, same group
    fresh = office("360700", bus)
    rebuild(fresh, poll_timeout=FAST)
    assert everything(ctx) == everything(fresh)


def test_lanes_of_a_rebuild_apply_only_their_streams_and_together_give_the_same_rows():
    bus = MemoryBus()
    publish(bus, EVENTS)
    ctx = office("360700", bus)
    LiveConsumer(ctx, FAST).catch_up()
    generation = ctx.generations.start_building()
    lanes = [Lane(i, 3) for i in range(3)]
    applied = {}
    for lane in lanes:
        consumer = ctx.consumer(generation, lane=lane)
        assert consumer.group == f"{ctx.group(generation)}#{lane.index}/3"
        handled = catch_up(consumer, timeout=FAST)               # each is handed its streams' messages…
        applied[lane] = consumer.applied                          # …and applies them all
        assert handled == applied[lane]
        consumer.close()
    streams = [e.stream for e in EVENTS]
    assert applied == {lane: sum(map(lane.holds, streams)) for lane in lanes}
    assert all(applied.values()) and sum(applied.values()) == len(EVENTS)
    ctx.generations.switch(generation)
    assert everything(ctx) == everything(caught_up(bus))


def test_a_filled_lane_commits_past_the_other_lanes_messages_its_last_polls_passed_over():
    bus, ctx, generation = rebuilding()
    lane = Lane(0, 2)
    others = [e for e in EVENTS if not lane.holds(e.stream)]
    assert others and len(others) < len(EVENTS)
    published = []

    def progress(handled: int, remaining: int) -> None:
        if not handled and not published:  # once the lane has caught up and committed: only others' streams
            publish(bus, others)
            published.append(len(others))

    fill(ctx, generation, lane, progress, poll_timeout=FAST)
    assert published
    with bus.subscribe(ctx.topics, lane.group(ctx.group(generation))) as checkpoint:
        assert checkpoint.lag() == 0


def test_a_fresh_consumer_reads_no_row_for_a_first_event_yet_skips_one_delivered_again():
    first, *later = problem_events("problem-9", "360702", steps=[referred("2026-10-02", "2026-10-09")])
    bus, ctx, generation = rebuilding(EVENTS + [first])
    consumer = ctx.consumer(generation, fresh=True)
    asked = []
    get_many = consumer.store.get_many
    consumer.store.get_many = lambda collection, ids: get_many(collection, asked.extend(ids) or ids)
    catch_up(consumer, timeout=FAST)
    assert set(asked) <= {e.stream for e in EVENTS if e.version > 1}   # no look-up for a first event
    assert "visit-1" not in asked and "problem-9" not in asked

    publish(bus, later)                 # problem-9 referred: its row written at version 2
    assert catch_up(consumer, timeout=FAST) == 1
    asked.clear()
    publish(bus, [first])               # then its first event again
    assert catch_up(consumer, timeout=FAST) == 1
    assert asked == ["problem-9"]       # applied before: its row is read, and the event skipped
    assert consumer.store.get_many("problems", ["problem-9"])["problem-9"]["_version"] == 2
    consumer.close()
    ctx.generations.switch(generation)
    assert everything(ctx) == everything(caught_up(bus))


def test_a_holding_consumer_writes_and_commits_only_past_its_bound_or_when_idle():
    _, ctx, generation = rebuilding()
    rows = ctx.generations.view(generation)
    holding = ctx.consumer(generation, hold=10 ** 9)
    assert holding.run_once(timeout=FAST, max_messages=4) == 4
    assert holding.run_once(timeout=FAST, max_messages=3) == 3
    assert rows.collections() == []                       # folded, held, nothing written…
    peek = ctx.consumer(generation)
    assert len(peek.subscription.poll(timeout=FAST, max_messages=100)) == len(EVENTS)  # …nor committed
    peek.close()
    while holding.run_once(timeout=FAST):
        pass                                              # the empty poll writes and commits
    assert {r["_id"] for r in rows.find("visits")} == {"visit-1", "visit-2"}
    assert holding.subscription.lag() == 0
    again = ctx.consumer(generation)
    assert again.subscription.poll(timeout=FAST, max_messages=100) == []
    again.close()
    holding.close()


def test_a_holding_consumer_writes_once_its_bound_is_reached():
    _, ctx, generation = rebuilding()
    first_two = sum(len(message(e)[1]) for e in EVENTS[:2])
    consumer = ctx.consumer(generation, hold=first_two)
    consumer.run_once(timeout=FAST, max_messages=1)
    assert ctx.generations.view(generation).collections() == []
    consumer.run_once(timeout=FAST, max_messages=1)
    assert {r["_id"] for r in ctx.generations.view(generation).find("organs")} == {"organ-a", "organ-b"}
    consumer.close()


def test_a_holding_consumer_stopped_before_it_writes_loses_nothing():
    bus = MemoryBus()
    publish(bus, EVENTS)
    expected = everything(caught_up(bus))
    assert expected["visits"]
    ctx = office("360700", bus)
    generation = ctx.generations.start_building()
    killed = ctx.consumer(generation, hold=10 ** 9)
    killed.run_once(timeout=FAST, max_messages=5)
    killed.close()                                        # its held rows are dropped with it
    assert rebuild(ctx, poll_timeout=FAST) == generation
    assert everything(ctx) == expected


def test_a_stalled_subscription_is_started_afresh():
    class Stuck:
        closed = 0

        def close(self):
            self.closed += 1

    stuck = Stuck()
    watch = StallWatch(stuck, limit=0.0)
    watch.saw(5, 10)          # progress: fine
    watch.saw(0, 0)           # nothing to read: fine
    assert stuck.closed == 0
    watch.saw(0, 3)           # messages wait and nothing comes: resubscribe
    assert stuck.closed == 1


def test_a_failed_rebuild_leaves_the_collector_on():
    bus = MemoryBus()
    publish(bus, EVENTS)
    ctx = office("360700", bus)

    def fail(handled, remaining):
        raise RuntimeError("store gone")

    with pytest.raises(RuntimeError):
        rebuild(ctx, poll_timeout=FAST, progress=fail)
    assert gc.isenabled()


def test_a_generation_built_by_an_earlier_version_of_the_projections_is_stale_until_rebuilt():
    store = MemoryProjectionStore()
    assert not Generations(store, "t-reporting-360700", version=2).stale()  # generation 1, begun by this version
    # A meta document from before versions were recorded: its generations were built by version 1.
    old = MemoryProjectionStore()
    old.put_newer("meta", [{"_id": "generations", "_version": 1, "active": 1, "building": None,
                            "groups": {"1": "t-reporting-360700-g1-abc"}}])
    generations = Generations(old, "t-reporting-360700", version=2)
    assert (generations.built_by(), generations.stale()) == (1, True)
    assert Generations(old, "t-reporting-360700", version=1).stale() is False  # the old code itself
    building = generations.start_building()
    assert (generations.built_by(building), generations.stale()) == (2, True)  # until the switch
    generations.switch(building)
    assert (generations.active, generations.built_by(), generations.stale()) == (2, 2, False)
    assert generations.read()["versions"] == {"2": 2}


def test_rebuild_makes_a_stale_office_current():
    bus = MemoryBus()
    publish(bus, EVENTS)
    ctx = office("360700", bus)
    LiveConsumer(ctx, FAST).catch_up()
    meta = ctx.generations.read()
    ctx.store.put_newer("meta", [{**meta, "_version": meta["_version"] + 1, "versions": {}}])  # as an old release left it
    assert ctx.generations.stale()
    rebuild(ctx, poll_timeout=FAST)
    assert not ctx.generations.stale() and ctx.generations.active == 2
