"""Figures of the problem ledger, computed from problem rows (see projections/ledger.py).

What each figure means for a period (both ends CST dates, either open):
- raised / assigned / closed / reopened: problems for which that step happened in the period
  (a problem assigned twice in the period counts once);
- open / overdue: problems in that state at the end of the period (or today, if it ends later);
- resolution rate: of the problems raised in the period, the share closed by its end;
- days to close (median, p90): raised → closed, over the problems closed in the period.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from services.reporting.domain.periods import Period
from services.reporting.domain.stats import days_between, median, percentile, rate
from shared.ledger.problem import is_overdue

FIGURES = ("raised", "assigned", "closed", "reopened", "open", "overdue", "resolution_rate",
           "median_days_to_close", "p90_days_to_close")


def state_as_of(row: dict, day: date) -> dict | None:
    """{"status", "deadline", "promised_date"} at the end of `day`; None if not yet raised."""
    state = None
    for action, on, due in row["steps"]:
        if date.fromisoformat(on) > day:
            break
        if action == "raised":
            state = {"status": "registered", "deadline": None, "promised_date": None}
        elif state is not None:
            _advance(state, action, due)
    return state


def _advance(state: dict, action: str, due: str | None) -> None:
    if action == "referred":
        state.update(status="assigned", deadline=due, promised_date=None)
    elif action == "returned":
        state.update(status="registered", deadline=None, promised_date=None)
    elif action == "extended":
        state["promised_date"] = due
    else:
        state["status"] = {"progressed": "in_progress", "reopened": "in_progress",
                           "reported_done": "reported_done", "closed": "closed"}[action]


def overdue_as_of(row: dict, day: date) -> bool:
    state = state_as_of(row, day)
    return state is not None and is_overdue(state["status"], state["deadline"], state["promised_date"], day)


def days_overdue(row: dict, day: date) -> int:
    """How many days past its due date (promised date for long-term items) a problem is on `day`."""
    state = state_as_of(row, day)
    due = state["promised_date"] or state["deadline"]
    return (day - date.fromisoformat(due)).days


def stepped_in(row: dict, action: str, period: Period) -> bool:
    return any(a == action and period.contains(on) for a, on, _ in row["steps"])


class ProblemTally:
    """The figures of a set of problem rows over a period, one row at a time: counts, and the
    days to close of those closed in the period (the median and P90 need each of them)."""

    def __init__(self, period: Period, today: date):
        self.period, self.end = period, period.as_of(today)
        self.raised = self.assigned = self.closed = self.reopened = self.open = self.overdue = self.resolved = 0
        self.days: list[int] = []

    def add(self, row: dict) -> None:
        period, end = self.period, self.end
        if period.contains(row["raised_on"]):
            self.raised += 1
            self.resolved += bool(row.get("closed_on")) and date.fromisoformat(row["closed_on"]) <= end
        if period.contains(row.get("closed_on")):
            self.closed += 1
            self.days.append(days_between(row["raised_on"], row["closed_on"]))
        self.assigned += stepped_in(row, "referred", period)
        self.reopened += stepped_in(row, "reopened", period)
        state = state_as_of(row, end)
        self.open += state is not None and state["status"] != "closed"
        self.overdue += overdue_as_of(row, end)

    def figures(self) -> dict:
        return {
            "raised": self.raised, "assigned": self.assigned, "closed": self.closed, "reopened": self.reopened,
            "open": self.open, "overdue": self.overdue, "resolution_rate": rate(self.resolved, self.raised),
            "median_days_to_close": median(self.days), "p90_days_to_close": percentile(self.days, 90),
        }


def problem_figures(rows: Iterable[dict], period: Period, today: date) -> dict:
    tally = ProblemTally(period, today)
    for row in rows:
        tally.add(row)
    return tally.figures()
