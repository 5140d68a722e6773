"""Reports on half 1, cadres go down to the grassroots: visits, cadres, 三个一 points, pairings.

Attribution: a visit counts where it took place (its region) and for each organ on it; a cadre
counts in their organ's region. Coverage asks of each leading cadre (领导干部) whether they
made at least one visit in the period — any visit this instance sees, wherever it was.
"""
from __future__ import annotations

from datetime import date

from services.reporting.domain.stats import rate
from services.reporting.queries.scope import Scope, breakdown, by_region, label_columns, week_label
from services.reporting.queries.tables import Column, Table, group, yuan
from shared.clock import iso_week
from shared.contracts.visits import ACTIVITIES, PAIRING_KINDS, PLACE_TYPES
from shared.projections import ProjectionStore

POINT_FUNDS_REQUIRED = 10000  # 三个一: at least ¥10,000 for the party members' activity room

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


# --- visits ----------------------------------------------------------------------------------

def visit_figures(visits: list[dict]) -> dict:
    return {
        "visits": len(visits),
        "cadres": len({c for v in visits for c in v["cadre_ids"]}),
        "leading_cadres": len({c for v in visits for c in v["leading_cadre_ids"]}),
        "people_reached": sum(v["people_reached"] for v in visits),
        "households_reached": sum(v["households_reached"] for v in visits),
        "funds_yuan": yuan(v["funds_yuan"] for v in visits),
        **{k: sum(v[k] for v in visits) for k in ("items", "services", "policy_sessions", "policy_attendance",
                                                   "problems")},
    }


def visits_in(store: ProjectionStore, scope: Scope) -> list[dict]:
    """Visits in the scope's region and period that still count (not cancelled)."""
    return [v for v in scope.rows(store, "visits", cancelled=False) if scope.period.contains(v["visited_on"])]


def visits_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    visits = visits_in(store, scope)
    if by == "region":
        rows = by_region(scope, visits, visit_figures)
    elif by == "organ":
        rows = breakdown(organ_names(store, scope), group(visits, lambda v: v["organ_ids"]), visit_figures)
    elif by == "place_type":
        rows = breakdown(PLACE_TYPES.items(), group(visits, lambda v: [v["place_type"]]), visit_figures)
    elif by == "activity":
        rows = breakdown(ACTIVITIES.items(), group(visits, lambda v: v["activities"]), visit_figures)
    elif by == "week":
        weeks = scope.period.weeks([v["visited_on"] for v in visits])
        groups = group(visits, lambda v: [iso_week(date.fromisoformat(v["visited_on"]))])
        rows = breakdown([(w, week_label(w)) for w in weeks], groups, visit_figures)
    else:
        raise ValueError(f"visits cannot be cut by {by!r}")
    return Table("visits", "干部下基层", label_columns(by) + VISIT_COLUMNS, rows, visit_figures(visits))


def organ_names(store: ProjectionStore, scope: Scope) -> list[tuple[str, str]]:
    return sorted(((o["_id"], o["name"]) for o in scope.rows(store, "organs")), key=lambda o: o[1])


# --- cadres: coverage and research reports ---------------------------------------------------

def cadres_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    cadres = scope.rows(store, "cadres")
    visited = {c for v in store.find("visits", {"cancelled": False}) if scope.period.contains(v["visited_on"])
               for c in v["cadre_ids"]}
    reports = [r for r in store.find("reports") if scope.period.contains(r["submitted_on"])]
    reported = {r["cadre_id"] for r in reports}
    reports_by_cadre = group(reports, lambda r: [r["cadre_id"]])

    def figures(members: list[dict]) -> dict:
        leading = [c for c in members if c["leading"]]
        leading_visited = sum(c["_id"] in visited for c in leading)
        leading_reported = sum(c["_id"] in reported for c in leading)
        return {
            "cadres": len(members), "cadres_visited": sum(c["_id"] in visited for c in members),
            "leading": len(leading), "leading_visited": leading_visited,
            "leading_coverage": rate(leading_visited, len(leading)),
            "reports": sum(len(reports_by_cadre.get(c["_id"], [])) for c in members),
            "leading_reported": leading_reported, "report_completion": rate(leading_reported, len(leading)),
        }

    if by == "region":
        rows = by_region(scope, cadres, figures)
    elif by == "organ":
        rows = breakdown(organ_names(store, scope), group(cadres, lambda c: [c["organ_id"]]), figures)
    else:
        raise ValueError(f"cadres cannot be cut by {by!r}")
    return Table("cadres", "干部参与与调研报告", label_columns(by) + CADRE_COLUMNS, rows, figures(cadres))


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
    points = [p for p in scope.rows(store, "points") if "name" in p]
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

def pairings_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    period, as_of = scope.period, scope.as_of
    pairings = scope.rows(store, "pairings")

    def figures(members: list[dict]) -> dict:
        begun = [p for p in members if date.fromisoformat(p["start_on"]) <= as_of]
        ended = [p for p in members if period.contains(p["ended_on"])]
        return {
            "started": sum(period.contains(p["start_on"]) for p in members),
            "active": sum(not p["ended_on"] or date.fromisoformat(p["ended_on"]) > as_of for p in begun),
            "ended": len(ended), "days_met": sum(bool(p["days_met"]) for p in ended),
            "days_on_site": sum(p["days_total"] for p in begun),
            "required_days": sum(p["required_days"] for p in begun),
        }

    if by == "region":
        rows = by_region(scope, pairings, figures)
    elif by == "organ":
        rows = breakdown(organ_names(store, scope), group(pairings, lambda p: [p["organ_id"]]), figures)
    elif by == "kind":
        rows = breakdown(PAIRING_KINDS.items(), group(pairings, lambda p: [p["kind"]]), figures)
    else:
        raise ValueError(f"pairings cannot be cut by {by!r}")
    return Table("pairings", "结对帮扶", label_columns(by) + PAIRING_COLUMNS, rows, figures(pairings))
