"""ViewCatchUp (shared/application.py) mends views a crash left behind and leaves current ones alone."""
from __future__ import annotations

from marshmallow import fields

from shared.aggregate import Aggregate
from shared.application import VIEWS, EventSourcedRepository, ViewCatchUp
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
