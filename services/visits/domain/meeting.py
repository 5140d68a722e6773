"""The ExemplarMeeting aggregate: a report meeting on advanced grassroots examples (先进典型报告会).

三学 asks cadres to learn from grassroots cadres, the people and practice, and the working
committees hold such meetings from time to time: grassroots examples report, the organs' cadres
listen. A meeting records who reported and how many attended; one recorded in error is cancelled.
"""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import VISITS


class ExemplarMeeting(Aggregate):
    """先进典型报告会, held by an office in its jurisdiction."""

    stream_prefix = "meeting"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.status = "held"
        self.cancellation: dict | None = None

    @classmethod
    def hold(cls, id: str, *, region: str, held_on: date, title: str, exemplars: list[dict], attendance: int,
             place: str | None = None, host: str | None = None, notes: str | None = None) -> "ExemplarMeeting":
        if not exemplars:
            raise InvalidCommand("Name at least one exemplar who reported.", "exemplars")
        if attendance < 1:
            raise InvalidCommand("A meeting is attended by at least one person.", "attendance")
        meeting = cls(id)
        meeting._record("ExemplarMeetingHeld", region=region, held_on=held_on, title=title, place=place, host=host,
                        exemplars=[{"deeds": None, **e} for e in exemplars], attendance=attendance, notes=notes)
        return meeting

    def cancel(self, *, reason: str, on: date) -> None:
        if self.status == "cancelled":
            raise DomainError("The meeting is already cancelled.", "status")
        if on.isoformat() < self.facts["held_on"]:
            raise InvalidCommand("A meeting cannot be cancelled before it was held.", "on")
        self._record("ExemplarMeetingCancelled", region=self.region, held_on=self.facts["held_on"], reason=reason,
                     cancelled_on=on)

    def on_ExemplarMeetingHeld(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def on_ExemplarMeetingCancelled(self, e: dict) -> None:
        self.status = "cancelled"
        self.cancellation = {"reason": e["reason"], "cancelled_on": e["cancelled_on"]}

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts, "status": self.status,
                "cancellation": self.cancellation}
