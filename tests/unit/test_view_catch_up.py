"""ViewCatchUp (shared/application.py) mends views a crash left behind and leaves current ones alone;
the repository rebuilds aggregates from payloads upcast to their types' current versions."""
from __future__ import annotations

from marshmallow import fields

from shared.aggregate import Aggregate
from shared.application import VIEWS, EventSourcedRepository, ViewCatchUp
from shared.envelope import Recorded, new_event_id, utcnow
from shared.eventstore.memory import MemoryEventStore
from shared.events import EventRegistry, Schema
from shared.projections.memory import MemoryProjectionStore

COUNTERS = EventRegistry("counters")


@COUNTERS.event("Counted")
class Counted(Schema):
    region = fields.Str(required=True)
    by = fields.Int(required=True)


class Counter(Aggregate):
    stream_prefix = "counter"
    events = COUNTERS
    rebuilt = 0

    def __init__(self, id: str):
        super().__init__(id)
        self.total = 0
        Counter.rebuilt += 1

    def count(self, by: int) -> None:
        self._record("Counted", region="360702", by=by)

    def on_Counted(self, e: dict) -> None:
        self.region, self.total = e["region"], self.total + e["by"]

    def view(self) -> dict:
        return {"total": self.total}


def _repository() -> EventSourcedRepository:
    return EventSourcedRepository(MemoryEventStore(), COUNTERS, MemoryProjectionStore(), "360000", [Counter])


def test_a_view_missing_after_a_crash_is_written_and_current_views_are_not_replayed():
    repo = _repository()
    saved, crashed = Counter("counter-saved"), Counter("counter-crashed")
    saved.count(2)
    repo.save(saved)                                   # appended and its view written
    crashed.count(3)
    repo.save(crashed)
    repo.views.drop(VIEWS)                             # as if both crashed before the view write...
    repo.write_view(saved)                             # ...but only one did
    Counter.rebuilt = 0

    assert ViewCatchUp(repo).run_once() == 2
    assert repo.view("counter-crashed")["total"] == 3
    assert repo.view("counter-saved")["total"] == 2
    assert Counter.rebuilt == 1                        # only the missing view was replayed
    assert ViewCatchUp(repo).run_once() == 0           # checkpoint moved on


def test_a_stale_view_is_brought_to_the_stream_version():
    repo = _repository()
    counter = Counter("counter-1")
    counter.count(1)
    repo.save(counter)
    stale = dict(repo.view("counter-1"))
    counter.count(4)
    repo.save(counter)
    repo.views.put(VIEWS, stale)                       # the second view write was lost

    ViewCatchUp(repo).run_once()
    assert repo.view("counter-1")["total"] == 5 and repo.view("counter-1")["_version"] == 2


# --- events recorded with an older schema version (shared/application.py `history`) ----------

COUNTERS_V2 = EventRegistry("counters")


def _amount_to_by(payload: dict) -> dict:
    return {"region": payload["region"], "by": payload.pop("amount")}


COUNTERS_V2.register("Counted", Counted, version=2, upcasters={1: _amount_to_by})  # v1 called `by` `amount`


class CounterV2(Counter):
    events = COUNTERS_V2


def counted_v1(stream: str, version: int, amount: int) -> Recorded:
    return Recorded(id=new_event_id(), family="counters", type="Counted", schema_version=1, stream=stream,
                    version=version, data={"region": "360702", "amount": amount}, time=utcnow(), region="360702",
                    tier="county", source="/shuangwan/counters/360000")


def test_events_recorded_with_an_older_schema_version_are_upcast_before_they_are_applied():
    repo = EventSourcedRepository(MemoryEventStore(), COUNTERS_V2, MemoryProjectionStore(), "360000", [CounterV2])
    repo.store.append("counter-1", 0, [counted_v1("counter-1", 1, 3), counted_v1("counter-1", 2, 4)])

    counter = repo.get(CounterV2, "counter-1")
    assert (counter.total, counter.version) == (7, 2)
    assert [e.schema_version for e in repo.history("counter-1")] == [2, 2]
    assert [e.schema_version for e in repo.store.read_stream("counter-1")] == [1, 1]  # the store keeps what was recorded

    counter.count(5)
    repo.save(counter)
    assert repo.get(CounterV2, "counter-1").total == 12
    repo.views.drop(VIEWS)  # as if the process had stopped before writing the view
    assert ViewCatchUp(repo).run_once() == 3
    assert repo.view("counter-1")["total"] == 12
