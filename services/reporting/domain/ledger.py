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


def problem_figures(rows: list[dict], period: Period, today: date) -> dict:
    end = period.as_of(today)
    raised = [r for r in rows if period.contains(r["raised_on"])]
    closed = [r for r in rows if period.contains(r.get("closed_on"))]
    states = [state_as_of(r, end) for r in rows]
    days = [days_between(r["raised_on"], r["closed_on"]) for r in closed]
    resolved = [r for r in raised if r.get("closed_on") and date.fromisoformat(r["closed_on"]) <= end]
    return {
        "raised": len(raised),
        "assigned": sum(stepped_in(r, "referred", period) for r in rows),
        "closed": len(closed),
        "reopened": sum(stepped_in(r, "reopened", period) for r in rows),
        "open": sum(1 for s in states if s is not None and s["status"] != "closed"),
        "overdue": sum(overdue_as_of(r, end) for r in rows),
        "resolution_rate": rate(len(resolved), len(raised)),
        "median_days_to_close": median(days),
        "p90_days_to_close": percentile(days, 90),
    }
