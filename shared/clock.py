"""Time conventions: timestamps are stored in UTC; dates, deadlines, day boundaries and ISO weeks
are those of China Standard Time (UTC+8)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in China Standard Time."""
    return datetime.now(CST).date()


def cst_date(t: datetime) -> date:
    return t.astimezone(CST).date()


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"  # four digits, as ISO 8601 writes years (and week parsers read them)


def working_days_between(start: date, end: date) -> int:
    """Mondays to Fridays after `start` up to and including `end` (public holidays not counted out)."""
    if end <= start:
        return 0
    days, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days += 1
    return days
