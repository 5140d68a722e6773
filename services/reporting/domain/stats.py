"""Small statistics every report uses: rates, percentiles, day counts. Pure functions."""
from __future__ import annotations

import math
from datetime import date


def rate(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by (a report shows "—", not 0%)."""
    return part / whole if whole else None


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks.

    The same definition as Excel's PERCENTILE.INC, so an office can check a figure in its
    spreadsheet: position (n − 1)·p/100 in the sorted values, interpolated.
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float | None:
    return percentile(values, 50)


def days_between(start: str, end: str) -> int:
    """Calendar days from one CST date (ISO string) to another."""
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
