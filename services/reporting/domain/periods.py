"""Reporting periods: a range of CST dates, open at either end, and ISO weeks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.clock import iso_week


@dataclass(frozen=True)
class Period:
    """Dates from `start` to `end`, both included; None leaves that end open."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def week(cls, week: str) -> "Period":
        """`2026-W40` → Monday to Sunday of that ISO week."""
        monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
        return cls(monday, monday + timedelta(days=6))

    def contains(self, day: str | date | None) -> bool:
        if day is None:
            return False
        day = date.fromisoformat(day) if isinstance(day, str) else day
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def as_of(self, today: date) -> date:
        """The day a state is judged at: the period's last day, but never after today."""
        return min(self.end, today) if self.end else today

    def weeks(self, days: list[str]) -> list[str]:
        """ISO weeks of the period, from its start (or the earliest of `days`) to its end (or the latest)."""
        known = sorted(date.fromisoformat(d) for d in days if d)
        first = self.start or (known[0] if known else None)
        last = self.end or (known[-1] if known else None)
        if first is None or last is None or first > last:
            return []
        out, day = [], first - timedelta(days=first.weekday())
        while day <= last:
            out.append(iso_week(day))
            day += timedelta(days=7)
        return out

    def describe(self) -> dict:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None}


ALL_TIME = Period()
