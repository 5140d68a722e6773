"""Time conventions: timestamps are stored in UTC; dates, deadlines, day boundaries and ISO weeks
are those of China Standard Time (UTC+8)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import chinese_calendar

CST = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in China Standard Time."""
    return datetime.now(CST).date()


def business_date(on: date | None, field: str = "on") -> date:
    """The date a step happened (China Standard Time): today unless given, never in the future
    (refused as `field`)."""
    from shared.aggregate import InvalidCommand  # (the domain's refusal; the clock is below the domain)

    on = on or today()
    if on > today():
        raise InvalidCommand("The date is in the future.", field)
    return on


def cst_date(t: datetime) -> date:
    return t.astimezone(CST).date()


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"  # four digits, as ISO 8601 writes years (and week parsers read them)


def is_working_day(d: date) -> bool:
    """A working day (工作日) by the State Council's yearly holiday schedule: public holidays are
    off, and the weekend days worked in their place (调休) are on. The schedule is published each
    year for the next; for a year the installed chinese-calendar does not hold yet, Monday to
    Friday (update the package when a new schedule is out)."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    days, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            days += 1
    return days
