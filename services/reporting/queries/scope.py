"""What a report is about: a region (with its drill-down lines), a period, the day states are
judged at, and optionally one appraisal campaign; and the breakdown a table is cut by."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable, Iterator

from services.reporting.domain.jurisdiction import child_of
from services.reporting.domain.periods import Period
from services.reporting.queries.tables import Column, group
from shared.projections import Prefix, ProjectionStore
from shared.regions import Regions, UnknownRegion, jurisdiction_prefix

# The label columns of each breakdown: (key title, name title).
BY_TITLES = {
    "region": ("地区代码", "地区"), "organ": ("单位编号", "单位"), "place_type": ("地点类型代码", "地点类型"),
    "activity": ("活动代码", "活动"), "week": ("周次", "日期"), "source": ("来源代码", "来源"),
    "category": ("类别代码", "类别"), "unit": ("责任单位编号", "责任单位"), "kind": ("结对类型代码", "结对类型"),
    "point": ("建设点编号", "建设点"), "channel": ("渠道代码", "渠道"), "batch": ("批次编号", "批次"),
    "respondent_category": ("参评人员类别代码", "参评人员类别"), "dimension": ("评议内容代码", "评议内容"),
}


@dataclass(frozen=True)
class Scope:
    region: str
    period: Period
    today: date
    regions: Regions
    campaign_id: str | None = None

    @property
    def as_of(self) -> date:
        """The day states (open, overdue, active) are judged at: the period's end, at most today."""
        return self.period.as_of(self.today)

    def rows(self, store: ProjectionStore, collection: str, fields: Iterable[str] | None = None,
             **where) -> Iterator[dict]:
        """The rows of a collection within this scope's region, one at a time; with `fields`,
        only those (and `_id`)."""
        return store.scan(collection, {"region": Prefix(jurisdiction_prefix(self.region)), **where}, fields)

    def name_of(self, code: str) -> str:
        try:
            return self.regions.get(code).name
        except UnknownRegion:
            return code

    def lines(self) -> list[tuple[str, str]]:
        """Drill-down lines: the region's own records (本级) first, then each child region."""
        own = (self.region, self.name_of(self.region) + ("本级" if self.regions.children(self.region) else ""))
        return [own, *((r.code, r.name) for r in self.regions.children(self.region))]

    def line_of(self, code: str) -> str | None:
        return child_of(self.region, code, self.regions)


def label_columns(by: str) -> list[Column]:
    key_title, name_title = BY_TITLES[by]
    return [Column("key", key_title, "text"), Column("name", name_title, "text")]


def monday_of(week: str) -> date:
    """The Monday of an ISO week (`2026-W40`)."""
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def week_label(week: str) -> str:
    monday = monday_of(week)
    return f"{monday.isoformat()} ~ {(monday + timedelta(days=6)).isoformat()}"


def breakdown(keys: Iterable[tuple[str, str]], groups: dict, figures: Callable,
              extra_keys: bool = True) -> list[dict]:
    """A row per (key, name) with the figures of its group (`groups` from `group` or `fold`: a key
    with no group gets an empty one); with `extra_keys`, groups not listed in `keys` (an organ no
    longer registered, say) get rows of their own after the listed ones."""
    keys = list(keys)
    listed = {k for k, _ in keys}
    if extra_keys:
        keys += [(k, k) for k in sorted(groups) if k not in listed]
    return [{"key": k, "name": name, **figures(groups[k])} for k, name in keys]


def lines_of(scope: Scope) -> Callable[[dict], list]:
    """The drill-down line a row (by its `region`) counts in, as `group` and `fold` take keys."""
    return lambda row: [scope.line_of(row["region"])]


def by_region(scope: Scope, rows: Iterable[dict], figures: Callable[[list], dict]) -> list[dict]:
    return breakdown(scope.lines(), group(rows, lines_of(scope)), figures)
