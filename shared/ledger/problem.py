"""The Problem aggregate: one entry of the ledger and its whole history."""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.clock import working_days_between
from shared.ledger.events import LEDGER

RETURN_WINDOW_WORKING_DAYS = 7
STATUSES = ("registered", "assigned", "in_progress", "reported_done", "closed")
STATUS_NAMES = {"registered": "挂号", "assigned": "已交办", "in_progress": "办理中",
                "reported_done": "已办结待回访", "closed": "已销号"}


def is_overdue(status: str, deadline: str | None, promised_date: str | None, today: date) -> bool:
    due = promised_date or deadline
    return status not in ("registered", "closed") and due is not None and date.fromisoformat(due) < today


class Problem(Aggregate):
    """问题: a problem raised by the grassroots or by citizens, followed to its rectification."""

    stream_prefix = "problem"
    events = LEDGER

    def __init__(self, id: str):
        super().__init__(id)
        self.status = "registered"
        self.facts: dict = {}
        self.unit_id = self.unit_name = self.responsible_person = None
        self.deadline = self.promised_date = self.referred_on = None
        self.long_term = False
        self.measures = None
        self.reopen_count = 0
        self.closed_on = None
        self.history: list[dict] = []

    # --- commands ---------------------------------------------------------------------------

    @classmethod
    def raise_(cls, id: str, *, number: str, source: str, category: str, description: str, region: str,
               raised_on: date, source_ref: str | None = None, organ_id: str | None = None,
               raised_by: str | None = None) -> "Problem":
        problem = cls(id)
        problem._record("ProblemRaised", number=number, source=source, source_ref=source_ref,
                        category=category, description=description, region=region, organ_id=organ_id,
                        raised_by=raised_by, raised_on=raised_on)
        return problem

    def refer(self, *, unit_id: str, unit_name: str, responsible_person: str, deadline: date, referred_on: date,
              measures: str | None = None, long_term: bool = False) -> None:
        self._require("registered", "assign")
        self._not_before(referred_on, "on")  # (the field as the API names it)
        if deadline < referred_on:
            raise InvalidCommand("The deadline is before the assignment date.", "deadline")
        self._record("ProblemReferred", unit_id=unit_id, unit_name=unit_name, responsible_person=responsible_person,
                     deadline=deadline, long_term=long_term, measures=measures, referred_on=referred_on)

    def return_to_office(self, *, reason: str, returned_on: date,
                         window: int = RETURN_WINDOW_WORKING_DAYS) -> None:
        self._require("assigned", "return")
        self._not_before(returned_on, "on")
        used = working_days_between(date.fromisoformat(self.referred_on), returned_on)
        if used > window:
            raise DomainError(f"A problem can be returned only within {window} working days of its "
                              f"assignment; {used} have passed.", "on")
        self._record("ProblemReturned", reason=reason, returned_on=returned_on)

    def progress(self, *, note: str, on: date, measures: str | None = None) -> None:
        self._require(("assigned", "in_progress"), "record progress on")
        self._not_before(on, "on")
        self._record("ProblemProgressed", note=note, measures=measures, on=on)

    def extend(self, *, promised_date: date, reason: str, on: date) -> None:
        self._require(("assigned", "in_progress"), "promise a date for")
        if not self.long_term:
            raise DomainError("Only long-term items carry a promised date.", "promised_date")
        if promised_date < on:
            raise InvalidCommand("The promised date is in the past.", "promised_date")
        self._record("ProblemDeadlineExtended", promised_date=promised_date, reason=reason, on=on)

    def report_done(self, *, result: str, on: date) -> None:
        self._require(("assigned", "in_progress"), "report done")
        self._not_before(on, "on")
        self._record("ProblemReportedDone", result=result, on=on)

    def verify(self, *, satisfied: bool, on: date, feedback: str | None = None) -> None:
        """回访: the person who raised it judges the result."""
        self._require("reported_done", "verify")
        self._not_before(on, "on")
        if satisfied:
            self._record("ProblemResolved", feedback=feedback, on=on)
        else:
            if not feedback:
                raise InvalidCommand("Say why the person is not satisfied.", "feedback")
            self._record("ProblemReopened", reason=feedback, on=on)

    def _require(self, allowed, action: str) -> None:
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        if self.status not in allowed:
            raise DomainError(f"Cannot {action} a problem that is {self.status} "
                              f"({STATUS_NAMES[self.status]}).", "status")

    def _not_before(self, day: date, field: str) -> None:
        last = self.history[-1]["on"] if self.history else None
        if last and day.isoformat() < last:
            raise InvalidCommand(f"The date is before the problem's last step ({last}).", field)

    # --- events -----------------------------------------------------------------------------

    def _log(self, action: str, on: str, **details) -> None:
        self.history.append({"action": action, "on": on, **{k: v for k, v in details.items() if v is not None}})

    def on_ProblemRaised(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]
        self._log("raised", e["raised_on"])

    def on_ProblemReferred(self, e: dict) -> None:
        self.status = "assigned"
        self.unit_id, self.unit_name = e["unit_id"], e["unit_name"]
        self.responsible_person, self.deadline = e["responsible_person"], e["deadline"]
        self.long_term, self.measures, self.referred_on = e["long_term"], e["measures"], e["referred_on"]
        self.promised_date = None
        self._log("referred", e["referred_on"], unit=e["unit_name"], deadline=e["deadline"])

    def on_ProblemReturned(self, e: dict) -> None:
        self.status = "registered"
        self.unit_id = self.unit_name = self.responsible_person = self.deadline = None
        self._log("returned", e["returned_on"], reason=e["reason"])

    def on_ProblemProgressed(self, e: dict) -> None:
        self.status = "in_progress"
        self.measures = e["measures"] or self.measures
        self._log("progressed", e["on"], note=e["note"])

    def on_ProblemDeadlineExtended(self, e: dict) -> None:
        self.promised_date = e["promised_date"]
        self._log("extended", e["on"], promised_date=e["promised_date"], reason=e["reason"])

    def on_ProblemReportedDone(self, e: dict) -> None:
        self.status = "reported_done"
        self._log("reported_done", e["on"], result=e["result"])

    def on_ProblemResolved(self, e: dict) -> None:
        self.status = "closed"
        self.closed_on = e["on"]
        self._log("closed", e["on"], feedback=e["feedback"])

    def on_ProblemReopened(self, e: dict) -> None:
        self.status = "in_progress"
        self.reopen_count += 1
        self._log("reopened", e["on"], reason=e["reason"])

    def view(self) -> dict:
        return {
            **self.facts, "id": self.id, "version": self.version, "status": self.status,
            "unit_id": self.unit_id, "unit_name": self.unit_name, "responsible_person": self.responsible_person,
            "deadline": self.deadline, "long_term": self.long_term, "promised_date": self.promised_date,
            "measures": self.measures, "referred_on": self.referred_on, "reopen_count": self.reopen_count,
            "closed_on": self.closed_on, "history": self.history,
        }
