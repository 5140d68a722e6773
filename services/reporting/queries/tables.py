"""Report tables: rows of figures under named columns, the shape every report and export shares.

A column has an English key (the JSON field), a Chinese title (the spreadsheet header) and a
kind that says how to show its values: `text`, `int`, `rate` (a share, 0–1), `score` (0–100),
`days`, `yuan` (an exact decimal), `flag` (yes/no), `list`.

Collections that grow with every event (visits, cadres, problems, responses…) are not held as
lists: a report folds them (`fold`) into tallies, one per line of the table, each keeping only
what its figures need (counts, sums, the distinct cadres), as the store hands rows over one at a
time. A tally has `add(row)` and `figures()`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "int"


@dataclass
class Table:
    name: str                   # file name of the export, e.g. "visits"
    title: str                  # sheet title, in Chinese
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None   # the figures of the whole scope, when the rows are a breakdown of it
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {**self.meta, "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in self.columns],
                "rows": [plain(r) for r in self.rows], "total": plain(self.total) if self.total else None}


def plain(value):
    """JSON-ready: fractions become floats rounded for display, decimals become exact strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Fraction):
        return round(float(value), 4)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def group(rows: Iterable[dict], keys_of: Callable[[dict], Iterable]) -> dict:
    """Rows by key; a row may fall under several keys (a visit of two organs counts for each)."""
    out: dict = defaultdict(list)
    for row in rows:
        for key in keys_of(row):
            if key is not None:
                out[key].append(row)
    return out


def fold(rows: Iterable[dict], keys_of: Callable[[dict], Iterable], new: Callable[[], T]) -> tuple[dict, T]:
    """One pass over `rows`: a tally per key (a row may fall under several keys, as in `group`),
    made by `new` when its key first comes up, and a tally of every row."""
    groups: dict = defaultdict(new)
    total = new()
    for row in rows:
        total.add(row)
        for key in keys_of(row):
            if key is not None:
                groups[key].add(row)
    return groups, total


def yuan(amounts: Iterable[str]) -> Decimal:
    """Sum of yuan amounts carried as exact decimal strings."""
    return sum((Decimal(a) for a in amounts if a), Decimal("0.00"))
