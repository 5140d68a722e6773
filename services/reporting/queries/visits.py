"""Reports on half 1, cadres go down to the grassroots: visits, cadres, 三个一 points, pairings,
good practices reported upward, report meetings on advanced examples (三学).

Attribution: a visit counts where it took place (its region) and for each organ on it; a cadre
counts in their organ's region. Coverage asks of each leading cadre (领导干部) whether they
made at least one visit in the period — any visit this instance sees, wherever it was.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Callable, Iterable, Iterator

from services.reporting.domain.periods import Period
from services.reporting.domain.stats import rate
from services.reporting.queries.scope import (Scope, breakdown, by_region, label_columns, lines_of, monday_of,
                                              week_label)
from services.reporting.queries.tables import Column, Table, fold, yuan
from shared.clock import iso_week
from shared.contracts.visits import ACTIVITIES, PAIRING_KINDS, PLACE_TYPES
from shared.projections import ProjectionStore

POINT_FUNDS_REQUIRED = 10000  # 三个一: at least ¥10,000 for the party members' activity room
POINT_FIELDS = ["name", "region", "instructors", "funds_yuan", "computers", "compliant", "compliant_on"]

VISIT_COLUMNS = [
    Column("visits", "走访次数"), Column("cadres", "参与干部人数"), Column("leading_cadres", "参与领导干部人数"),
    Column("people_reached", "走访群众人数"), Column("households_reached", "走访户数"),
    Column("funds_yuan", "送资金(元)", "yuan"), Column("items", "送物资(件)"), Column("services", "送服务(项)"),
    Column("policy_sessions", "政策宣讲(场)"), Column("policy_attendance", "宣讲听众(人次)"),
    Column("problems", "收集问题(个)"),
]
CADRE_COLUMNS = [
    Column("cadres", "干部人数"), Column("cadres_visited", "参与下基层干部人数"),
    Column("leading", "领导干部人数"), Column("leading_visited", "下基层领导干部人数"),
    Column("leading_coverage", "领导干部覆盖率", "rate"), Column("reports", "调研报告(篇)"),
    Column("leading_reported", "完成调研报告领导干部人数"), Column("report_completion", "调研报告完成率", "rate"),
]
POINT_COLUMNS = [
    Column("points", "建设点数"), Column("compliant", "三个一达标点数"), Column("compliance_rate", "达标率", "rate"),
    Column("with_instructor", "已派指导员点数"), Column("with_funds", "经费达标点数"),
    Column("with_computer", "已捐电脑点数"), Column("instructors", "指导员(人)"),
    Column("funds_yuan", "活动室经费(元)", "yuan"), Column("computers", "电脑(台)"),
]
POINT_ROW_COLUMNS = [
    Column("region_name", "地区", "text"), Column("instructors", "指导员(人)"),
    Column("funds_yuan", "活动室经费(元)", "yuan"), Column("computers", "电脑(台)"),
    Column("has_instructor", "指导员达标", "flag"), Column("has_funds", "经费达标", "flag"),
    Column("has_computer", "电脑达标", "flag"), Column("compliant", "三个一达标", "flag"),
    Column("compliant_on", "达标日期", "text"),
]
PAIRING_COLUMNS = [
    Column("started", "新结对数"), Column("active", "在结对数"), Column("ended", "结束结对数"),
    Column("days_met", "驻点天数达标结束数"), Column("days_on_site", "驻点天数"), Column("required_days", "要求驻点天数"),
]

PRACTICE_COLUMNS = [
    Column("submitted", "报送经验做法(篇)"), Column("published", "刊发(篇)"), Column("declined", "不予采用(篇)"),
    Column("publication_rate", "刊发率", "rate"),
]
MEETING_COLUMNS = [
    Column("meetings", "报告会(场)"), Column("exemplars", "作报告的先进典型(人次)"), Column("attendance", "参会(人次)"),
]


# --- visits ----------------------------------------------------------------------------------

COUNTED = ("people_reached", "households_reached", "items", "services", "policy_sessions", "policy_attendance",
           "problems")


class VisitTally:
    """The figures of a set of visits, one visit at a time: counts and sums, and the cadres seen
    (a cadre counts once however many visits they made)."""
    __slots__ = ("visits", "cadres", "leading_cadres", "sums", "funds")

    def __init__(self):
        self.visits, self.cadres, self.leading_cadres = 0, set(), set()
        self.sums = dict.fromkeys(COUNTED, 0)
        self.funds = Decimal("0.00")

    def add(self, visit: dict) -> None:
        self.visits += 1
        self.cadres.update(visit["cadre_ids"])
        self.leading_cadres.update(visit["leading_cadre_ids"])
        for k in COUNTED:
            self.sums[k] += visit[k]
        self.funds += yuan([visit["funds_yuan"]])

    def figures(self) -> dict:
        sums = self.sums
        return {"visits": self.visits, "cadres": len(self.cadres), "leading_cadres": len(self.leading_cadres),
                "people_reached": sums["people_reached"], "households_reached": sums["households_reached"],
                "funds_yuan": self.funds, **{k: sums[k] for k in COUNTED[2:]}}


def visits_in(store: ProjectionStore, scope: Scope) -> Iterator[dict]:
    """Visits in the scope's region and period that still count (not cancelled), one at a time.
    Whole rows: a report needs most of a visit's few fields, and picking them out costs more
    than reading the row."""
    return (v for v in scope.rows(store, "visits", cancelled=False) if scope.period.contains(v["visited_on"]))


def visits_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    visits = visits_in(store, scope)
    if by == "region":
        groups, total = fold(visits, lines_of(scope), VisitTally)
        keys = scope.lines()
    elif by == "organ":
        groups, total = fold(visits, lambda v: v["organ_ids"], VisitTally)
        keys = organ_names(store, scope)
    elif by == "place_type":
        groups, total = fold(visits, lambda v: [v["place_type"]], VisitTally)
        keys = PLACE_TYPES.items()
    elif by == "activity":
        groups, total = fold(visits, lambda v: v["activities"], VisitTally)
        keys = ACTIVITIES.items()
    elif by == "week":
        groups, total = fold(visits, lambda v: [iso_week(date.fromisoformat(v["visited_on"]))], VisitTally)
        # The weeks from the first visited to the last (where the period leaves them open).
        keys = [(w, week_label(w)) for w in scope.period.weeks([monday_of(w).isoformat() for w in groups])]
    else:
        raise ValueError(f"visits cannot be cut by {by!r}")
    rows = breakdown(keys, groups, VisitTally.figures)
    return Table("visits", "干部下基层", label_columns(by) + VISIT_COLUMNS, rows, total.figures())


def organ_names(store: ProjectionStore, scope: Scope) -> list[tuple[str, str]]:
    return sorted(((o["_id"], o["name"]) for o in scope.rows(store, "organs", ["name"])), key=lambda o: o[1])


def cut(store: ProjectionStore, scope: Scope, rows: Iterable[dict], by: str, tally: Callable, what: str,
        more: dict[str, tuple[Callable, Callable]] | None = None) -> tuple[dict, object, list]:
    """`rows` tallied by drill-down line (`region`: each row's region), by organ (each row's
    `organ_id`), or by one of `more` ({by: (a row's keys, the (key, name) pairs to list)}): the
    groups' tallies, the total's, and the keys to list (read only for the cut asked for)."""
    cuts = {"region": (lines_of(scope), scope.lines),
            "organ": (lambda row: [row["organ_id"]], lambda: organ_names(store, scope)), **(more or {})}
    if by not in cuts:
        raise ValueError(f"{what} cannot be cut by {by!r}")
    keys_of, keys = cuts[by]
    groups, total = fold(rows, keys_of, tally)
    return groups, total, list(keys())


# --- cadres: coverage and research reports ---------------------------------------------------

class CadreTally:
    """The figures of a set of cadres, one cadre at a time, given who visited and who reported."""
    __slots__ = ("visited", "reports", "cadres", "cadres_visited", "leading", "leading_visited", "reported",
                 "leading_reported")

    def __init__(self, visited: set, reports: Counter):
        self.visited, self.reports = visited, reports
        self.cadres = self.cadres_visited = self.leading = self.leading_visited = 0
        self.reported = self.leading_reported = 0

    def add(self, cadre: dict) -> None:
        visited = cadre["_id"] in self.visited
        self.cadres += 1
        self.cadres_visited += visited
        self.reported += self.reports[cadre["_id"]]
        if cadre["leading"]:
            self.leading += 1
            self.leading_visited += visited
            self.leading_reported += cadre["_id"] in self.reports

    def figures(self) -> dict:
        return {
            "cadres": self.cadres, "cadres_visited": self.cadres_visited,
            "leading": self.leading, "leading_visited": self.leading_visited,
            "leading_coverage": rate(self.leading_visited, self.leading), "reports": self.reported,
            "leading_reported": self.leading_reported, "report_completion": rate(self.leading_reported, self.leading),
        }


def cadres_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    period = scope.period
    # Any visit this instance sees counts, wherever it was (see the module's docstring).
    visited = {c for v in store.scan("visits", {"cancelled": False}) if period.contains(v["visited_on"])
               for c in v["cadre_ids"]}
    reports = Counter(r["cadre_id"] for r in store.scan("reports", None, ["cadre_id", "submitted_on"])
                      if period.contains(r["submitted_on"]))
    cadres = scope.rows(store, "cadres", ["region", "organ_id", "leading"])
    groups, total, keys = cut(store, scope, cadres, by, partial(CadreTally, visited, reports), "cadres")
    rows = breakdown(keys, groups, CadreTally.figures)
    return Table("cadres", "干部参与与调研报告", label_columns(by) + CADRE_COLUMNS, rows, total.figures())


# --- construction points and 三个一 ----------------------------------------------------------

def point_checks(point: dict) -> dict:
    return {"has_instructor": point["instructors"] >= 1,
            "has_funds": yuan([point["funds_yuan"]]) >= POINT_FUNDS_REQUIRED,
            "has_computer": point["computers"] >= 1}


def point_figures(points: list[dict]) -> dict:
    checks = [point_checks(p) for p in points]
    compliant = sum(p["compliant"] for p in points)
    return {
        "points": len(points), "compliant": compliant, "compliance_rate": rate(compliant, len(points)),
        "with_instructor": sum(c["has_instructor"] for c in checks), "with_funds": sum(c["has_funds"] for c in checks),
        "with_computer": sum(c["has_computer"] for c in checks),
        "instructors": sum(p["instructors"] for p in points), "funds_yuan": yuan(p["funds_yuan"] for p in points),
        "computers": sum(p["computers"] for p in points),
    }


def points_table(store: ProjectionStore, scope: Scope, by: str = "point") -> Table:
    """三个一 per construction point (by=point) or summed per region: the points' state today."""
    points = [p for p in scope.rows(store, "points", POINT_FIELDS) if "name" in p]
    if by == "point":
        rows = [{"key": p["_id"], "name": p["name"], "region_name": scope.name_of(p["region"]),
                 "instructors": p["instructors"], "funds_yuan": yuan([p["funds_yuan"]]), "computers": p["computers"],
                 **point_checks(p), "compliant": p["compliant"], "compliant_on": p["compliant_on"]}
                for p in sorted(points, key=lambda p: (p["region"], p["name"]))]
        columns = label_columns("point") + POINT_ROW_COLUMNS
    elif by == "region":
        rows, columns = by_region(scope, points, point_figures), label_columns("region") + POINT_COLUMNS
    else:
        raise ValueError(f"points cannot be cut by {by!r}")
    return Table("points", "新农村建设点三个一", columns, rows, point_figures(points))


# --- pairings ---------------------------------------------------------------------------------

class PairingTally:
    """The figures of a set of pairings over a period, judged on its `as_of` day, one at a time."""
    __slots__ = ("period", "as_of", "started", "active", "ended", "days_met", "days_on_site", "required_days")

    def __init__(self, period: Period, as_of: date):
        self.period, self.as_of = period, as_of
        self.started = self.active = self.ended = self.days_met = self.days_on_site = self.required_days = 0

    def add(self, p: dict) -> None:
        self.started += self.period.contains(p["start_on"])
        if date.fromisoformat(p["start_on"]) <= self.as_of:  # begun
            self.active += not p["ended_on"] or date.fromisoformat(p["ended_on"]) > self.as_of
            self.days_on_site += p["days_total"]
            self.required_days += p["required_days"]
        if self.period.contains(p["ended_on"]):
            self.ended += 1
            self.days_met += bool(p["days_met"])

    def figures(self) -> dict:
        return {"started": self.started, "active": self.active, "ended": self.ended, "days_met": self.days_met,
                "days_on_site": self.days_on_site, "required_days": self.required_days}


def pairings_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    pairings = scope.rows(store, "pairings", ["region", "organ_id", "kind", "start_on", "ended_on", "days_total",
                                               "required_days", "days_met"])
    groups, total, keys = cut(store, scope, pairings, by, partial(PairingTally, scope.period, scope.as_of), "pairings",
                              {"kind": (lambda p: [p["kind"]], PAIRING_KINDS.items)})
    rows = breakdown(keys, groups, PairingTally.figures)
    return Table("pairings", "结对帮扶", label_columns(by) + PAIRING_COLUMNS, rows, total.figures())



# --- good practices reported upward --------------------------------------------------------------

class PracticeTally:
    """Practices submitted in a period, and the working committee's decisions in it, one at a time."""
    __slots__ = ("period", "submitted", "published", "declined")

    def __init__(self, period: Period):
        self.period = period
        self.submitted = self.published = self.declined = 0

    def add(self, p: dict) -> None:
        self.submitted += self.period.contains(p["submitted_on"])
        if self.period.contains(p["decided_on"]):
            self.published += p["status"] == "published"
            self.declined += p["status"] == "declined"

    def figures(self) -> dict:
        return {"submitted": self.submitted, "published": self.published, "declined": self.declined,
                "publication_rate": rate(self.published, self.published + self.declined)}


def practices_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    """好的经验做法 per drill-down line (the organ's region) or per organ: submitted in the period, and
    published or declined in it; the publication rate is over the decisions."""
    practices = scope.rows(store, "practices", ["region", "organ_id", "status", "submitted_on", "decided_on"])
    groups, total, keys = cut(store, scope, practices, by, partial(PracticeTally, scope.period), "practices")
    rows = breakdown(keys, groups, PracticeTally.figures)
    return Table("practices", "经验做法报送和刊发", label_columns(by) + PRACTICE_COLUMNS, rows, total.figures())

# --- report meetings on advanced examples (三学) ---------------------------------------------------

class MeetingTally:
    """The figures of the meetings held in a period (a cancelled one counts nowhere), one at a time."""
    __slots__ = ("period", "meetings", "exemplars", "attendance")

    def __init__(self, period: Period):
        self.period = period
        self.meetings = self.exemplars = self.attendance = 0

    def add(self, m: dict) -> None:
        if m["cancelled"] or not self.period.contains(m["held_on"]):
            return
        self.meetings += 1
        self.exemplars += m["exemplars"]
        self.attendance += m["attendance"]

    def figures(self) -> dict:
        return {"meetings": self.meetings, "exemplars": self.exemplars, "attendance": self.attendance}


def meetings_table(store: ProjectionStore, scope: Scope) -> Table:
    """先进典型报告会 per drill-down line: meetings held in the period, exemplars who reported, attendance."""
    meetings = scope.rows(store, "meetings", ["region", "held_on", "exemplars", "attendance", "cancelled"])
    groups, total, keys = cut(store, scope, meetings, "region", partial(MeetingTally, scope.period), "meetings")
    rows = breakdown(keys, groups, MeetingTally.figures)
    return Table("meetings", "先进典型报告会", label_columns("region") + MEETING_COLUMNS, rows, total.figures())
