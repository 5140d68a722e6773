"""The overview: a region's headline figures and those of each line of its drill-down."""
from __future__ import annotations

from services.reporting.queries.problems import problems_table
from services.reporting.queries.scope import Scope, label_columns
from services.reporting.queries.tables import Column, Table
from services.reporting.queries.visits import cadres_table, pairings_table, points_table, visits_table
from shared.projections import ProjectionStore

# (table, its key) → (overview key, Chinese title, kind)
HEADLINES = [
    ("visits", "visits", "visits", "走访次数", "int"),
    ("visits", "cadres", "cadres_taking_part", "参与干部人数", "int"),
    ("cadres", "leading_coverage", "leading_coverage", "领导干部覆盖率", "rate"),
    ("cadres", "report_completion", "report_completion", "调研报告完成率", "rate"),
    ("visits", "people_reached", "people_reached", "走访群众人数", "int"),
    ("visits", "funds_yuan", "funds_yuan", "送资金(元)", "yuan"),
    ("problems", "raised", "problems_raised", "新增问题", "int"),
    ("problems", "closed", "problems_closed", "销号", "int"),
    ("problems", "overdue", "problems_overdue", "逾期", "int"),
    ("problems", "resolution_rate", "resolution_rate", "办结率", "rate"),
    ("points", "compliance_rate", "points_compliance", "三个一达标率", "rate"),
    ("pairings", "active", "pairings_active", "在结对数", "int"),
]


def overview_table(store: ProjectionStore, scope: Scope) -> Table:
    tables = {"visits": visits_table(store, scope), "cadres": cadres_table(store, scope),
              "problems": problems_table(store, scope), "points": points_table(store, scope, by="region"),
              "pairings": pairings_table(store, scope)}

    def headline(rows_by_table: dict[str, dict]) -> dict:
        return {key: rows_by_table[table][source] for table, source, key, _, _ in HEADLINES}

    indexed = {name: {r["key"]: r for r in t.rows} for name, t in tables.items()}
    rows = [{"key": code, "name": name, **headline({t: indexed[t][code] for t in tables})}
            for code, name in scope.lines()]
    total = headline({name: t.total for name, t in tables.items()})
    columns = label_columns("region") + [Column(key, title, kind) for _, _, key, title, kind in HEADLINES]
    return Table("overview", "双万活动总览", columns, rows, total)
