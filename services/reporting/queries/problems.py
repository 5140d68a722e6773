"""Reports on the problem ledger (问题台账): both services' problems, cut by region, source,
category, responsible unit, organ or week; and the list of overdue problems."""
from __future__ import annotations

from functools import partial
from typing import Iterator

from services.reporting.domain.ledger import ProblemTally, days_overdue, overdue_as_of, state_as_of
from services.reporting.domain.periods import Period
from services.reporting.queries.scope import Scope, breakdown, label_columns, lines_of, week_label
from services.reporting.queries.tables import Column, Table, fold
from shared.ledger.events import CATEGORIES, SOURCES
from shared.ledger.problem import STATUS_NAMES
from shared.projections import ProjectionStore

SOURCE_NAMES = {"visit": "走访", "questionnaire": "问卷测评", "opinion": "网上意见"}
assert set(SOURCE_NAMES) == set(SOURCES)

PROBLEM_COLUMNS = [
    Column("raised", "新增问题"), Column("assigned", "交办"), Column("closed", "销号"), Column("reopened", "复号"),
    Column("open", "未销号"), Column("overdue", "逾期"), Column("resolution_rate", "办结率", "rate"),
    Column("median_days_to_close", "办结天数中位数", "days"), Column("p90_days_to_close", "办结天数P90", "days"),
]
OVERDUE_COLUMNS = [
    Column("number", "问题编号", "text"), Column("source_name", "来源", "text"),
    Column("category_name", "类别", "text"), Column("region_name", "地区", "text"),
    Column("unit_name", "责任单位", "text"), Column("status_name", "状态", "text"),
    Column("due", "期限", "text"), Column("days_overdue", "逾期天数"), Column("raised_on", "登记日期", "text"),
    Column("description", "问题描述", "text"),
]


# What the figures and their breakdowns read of a problem row, and what the list of overdue ones shows.
FIGURE_FIELDS = ["region", "source", "category", "unit_id", "organ_id", "raised_on", "closed_on", "steps"]
OVERDUE_FIELDS = ["number", "family", "office", "source", "category", "region", "unit_id", "unit_name", "steps",
                  "raised_on", "description"]


def campaign_of(problem: dict, opinion_campaigns: dict[str, str]) -> str | None:
    """The appraisal campaign a problem came from: `source_ref` is `<campaign>/<organ>/<dimension>`
    for questionnaire problems and the opinion id for opinion problems."""
    ref = problem.get("source_ref") or ""
    if problem["source"] == "questionnaire":
        return ref.split("/", 1)[0] or None
    if problem["source"] == "opinion":
        return opinion_campaigns.get(ref)
    return None


def problems_in(store: ProjectionStore, scope: Scope, fields: list[str] | None = None) -> Iterator[dict]:
    """The problem rows of the scope's region (and campaign), one at a time; with `fields`, only
    those (and what says the campaign)."""
    problems = scope.rows(store, "problems", None if fields is None else {*fields, "source", "source_ref"})
    if not scope.campaign_id:
        return problems
    opinions = {o["_id"]: o["campaign_id"] for o in store.scan("opinions", None, ["campaign_id"])}
    return (p for p in problems if campaign_of(p, opinions) == scope.campaign_id)


def problems_table(store: ProjectionStore, scope: Scope, by: str = "region") -> Table:
    problems = problems_in(store, scope, FIGURE_FIELDS)
    tally = partial(ProblemTally, scope.period, scope.today)
    if by == "region":
        groups, total = fold(problems, lines_of(scope), tally)
        rows = breakdown(scope.lines(), groups, ProblemTally.figures)
    elif by == "source":
        groups, total = fold(problems, lambda p: [p["source"]], tally)
        rows = breakdown(SOURCE_NAMES.items(), groups, ProblemTally.figures)
    elif by == "category":
        groups, total = fold(problems, lambda p: [p["category"]], tally)
        rows = breakdown(CATEGORIES.items(), groups, ProblemTally.figures)
    elif by == "unit":
        units = {p["unit_id"]: p["unit_name"] for p in problems_in(store, scope, ["unit_id", "unit_name"])
                 if p.get("unit_id")}
        groups, total = fold(problems, lambda p: [p.get("unit_id")], tally)
        rows = breakdown(sorted(units.items(), key=lambda u: u[1]), groups, ProblemTally.figures, extra_keys=False)
    elif by == "organ":
        groups, total = fold(problems, lambda p: [p.get("organ_id")], tally)
        rows = breakdown([], groups, ProblemTally.figures)
        organs = store.get_many("organs", [r["key"] for r in rows])
        rows = [{**r, "name": organs[r["key"]]["name"] if r["key"] in organs else r["key"]} for r in rows]
    elif by == "week":
        # Each week is its own period: what happened that week, what stood open at its end.
        weeks = scope.period.weeks([p["raised_on"] for p in problems_in(store, scope, ["raised_on"])])
        tallies = {w: ProblemTally(Period.week(w), scope.today) for w in weeks}
        total = tally()
        for p in problems:
            total.add(p)
            for week in tallies.values():
                week.add(p)
        rows = [{"key": w, "name": week_label(w), **t.figures()} for w, t in tallies.items()]
    else:
        raise ValueError(f"problems cannot be cut by {by!r}")
    return Table("problems", "问题台账", label_columns(by) + PROBLEM_COLUMNS, rows, total.figures(),
                 meta={"as_of": scope.as_of.isoformat()})


def overdue_table(store: ProjectionStore, scope: Scope) -> Table:
    """Problems overdue (逾期) at the end of the period (or today), most overdue first."""
    day = scope.as_of
    rows = []
    for p in problems_in(store, scope, OVERDUE_FIELDS):
        if not overdue_as_of(p, day):
            continue
        state = state_as_of(p, day)
        rows.append({
            "key": p["_id"], "number": p["number"], "source": p["source"], "source_name": SOURCE_NAMES[p["source"]],
            "category": p["category"], "category_name": CATEGORIES[p["category"]], "region": p["region"],
            "region_name": scope.name_of(p["region"]), "unit_id": p["unit_id"], "unit_name": p["unit_name"],
            "status": state["status"], "status_name": STATUS_NAMES[state["status"]],
            "due": state["promised_date"] or state["deadline"], "days_overdue": days_overdue(p, day),
            "raised_on": p["raised_on"], "description": p["description"],
            # where the problem is handled: the service family and the office running it (not columns)
            "family": p["family"], "office": p.get("office"),
        })
    rows.sort(key=lambda r: (-r["days_overdue"], r["number"]))
    return Table("overdue", "逾期问题", OVERDUE_COLUMNS, rows, meta={"as_of": day.isoformat()})
