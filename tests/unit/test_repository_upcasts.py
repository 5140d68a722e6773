"""An aggregate is rebuilt from payloads of its events' current schema versions, whatever version
each was recorded with (shared/application.py `history`)."""
from __future__ import annotations

from marshmallow import fields

from shared.aggregate import Aggregate
from shared.application import VIEWS, EventSourcedRepository, ViewCatchUp
from shared.envelope import Recorded, new_event_id, utcnow
from shared.eventstore.memory import MemoryEventStore
from shared.events import EventRegistry, Schema
from shared.projections.memory import MemoryProjectionStore

TALLIES = EventRegistry("tallies")


def _amount_to_by(payload: dict) -> dict:
    return {"region": payload["region"], "by": payload.pop("amount")}


@TALLIES.event("Tallied", version=2, upcasters={1: _amount_to_by})
class Tallied(Schema):
    """v1 called `by` `amount`."""
    region = fields.Str(required=True)
    by = fields.Int(required=True)


class Tally(Aggregate):
    stream_prefix = "tally"
    events = TALLIES

    def __init__(self, id: str):
        super().__init__(id)
        self.total = 0

    def add(self, by: int) -> None:
        self._record("Tallied", region="360702", by=by)

    def on_Tallied(self, e: dict) -> None:
        self.region, self.total = e["region"], self.total + e["by"]

    def view(self) -> dict:
        return {"total": self.total}


def recorded_v1(stream: str, version: int, amount: int) -> Recorded:
    return Recorded(id=new_event_id(), family="tallies", type="Tallied", schema_version=1, stream=stream,
                    version=version, data={"region": "360702", "amount": amount}, time=utcnow(), region="360702",
                    tier="county", source="/shuangwan/tallies/360000")


def test_events_recorded_with_an_older_schema_version_are_upcast_before_they_are_applied():
    repo = EventSourcedRepository(MemoryEventStore(), TALLIES, MemoryProjectionStore(), "360000", [Tally])
    repo.store.append("tally-1", 0, [recorded_v1("tally-1", 1, 3), recorded_v1("tally-1", 2, 4)])

    tally = repo.get(Tally, "tally-1")
    assert (tally.total, tally.version) == (7, 2)
    assert [e.schema_version for e in repo.history("tally-1")] == [2, 2]
    assert [e.schema_version for e in repo.store.read_stream("tally-1")] == [1, 1]  # the store keeps what was recorded

    tally.add(5)
    repo.save(tally)
    assert repo.get(Tally, "tally-1").total == 12
    repo.views.drop(VIEWS)  # as if the process had stopped before writing the view
    assert ViewCatchUp(repo).run_once() == 3
    assert repo.view("tally-1")["total"] == 12
