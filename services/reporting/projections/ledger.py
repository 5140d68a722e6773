"""The problem ledger (问题台账) as rows: one per problem, from either service's ledger events.

A row keeps the problem's current facts plus its steps (`[action, on, due]`), so that a report
can judge the problem as of any day — overdue at the end of last month, closed within a week —
and the office whose service keeps it (`office`, from the event's source; None if that says no
office), so a page can send the office to the problem where it is handled.
"""
from __future__ import annotations

from shared.consumer import Projection
from shared.envelope import Recorded, office_of
from shared.ledger.events import LEDGER


class Problems(Projection):
    collection = "problems"

    def handles(self, event: Recorded) -> bool:
        return event.type in LEDGER

    def evolve(self, row: dict | None, event: Recorded) -> dict:
        row = dict(row or {"steps": []})
        return STEPS[event.type](row, event.data, event)


def _raised(row: dict, e: dict, event: Recorded) -> dict:
    row.update(number=e["number"], family=event.family, office=office_of(event.source), source=e["source"],
               source_ref=e["source_ref"], category=e["category"], description=e["description"], region=e["region"],
               organ_id=e["organ_id"], raised_on=e["raised_on"], status="registered", unit_id=None,
               unit_name=None, deadline=None, promised_date=None, long_term=False, closed_on=None,
               reopen_count=0)
    return _step(row, "raised", e["raised_on"])


def _referred(row: dict, e: dict, _event) -> dict:
    row.update(status="assigned", unit_id=e["unit_id"], unit_name=e["unit_name"], deadline=e["deadline"],
               long_term=e["long_term"], promised_date=None)
    return _step(row, "referred", e["referred_on"], e["deadline"])


def _returned(row: dict, e: dict, _event) -> dict:
    row.update(status="registered", unit_id=None, unit_name=None, deadline=None, promised_date=None)
    return _step(row, "returned", e["returned_on"])


def _progressed(row: dict, e: dict, _event) -> dict:
    row["status"] = "in_progress"
    return _step(row, "progressed", e["on"])


def _extended(row: dict, e: dict, _event) -> dict:
    row["promised_date"] = e["promised_date"]
    return _step(row, "extended", e["on"], e["promised_date"])


def _reported_done(row: dict, e: dict, _event) -> dict:
    row["status"] = "reported_done"
    return _step(row, "reported_done", e["on"])


def _resolved(row: dict, e: dict, _event) -> dict:
    row.update(status="closed", closed_on=e["on"])
    return _step(row, "closed", e["on"])


def _reopened(row: dict, e: dict, _event) -> dict:
    row.update(status="in_progress", reopen_count=row.get("reopen_count", 0) + 1)
    return _step(row, "reopened", e["on"])


def _step(row: dict, action: str, on: str, due: str | None = None) -> dict:
    row["steps"] = [*row.get("steps", []), [action, on, due]]
    return row


STEPS = {
    "ProblemRaised": _raised, "ProblemReferred": _referred, "ProblemReturned": _returned,
    "ProblemProgressed": _progressed, "ProblemDeadlineExtended": _extended,
    "ProblemReportedDone": _reported_done, "ProblemResolved": _resolved, "ProblemReopened": _reopened,
}
