"""Reports on the problem ledger (问题台账) and rectification (整改)."""
from marshmallow import fields

from shared.web.blueprint import Blueprint
from services.reporting.api.common import ReportQuery, TableSchema, by_query, report
from services.reporting.queries.problems import overdue_table, problems_table

blp = Blueprint("problems", __name__, url_prefix="/reports",
                description="Problems raised, assigned, closed, reopened and overdue; resolution rate and days to close.")

_ProblemsQuery = by_query(["region", "source", "category", "unit", "organ", "week"], "region", "_ProblemsQuery")


class ProblemsQuery(_ProblemsQuery):
    campaign_id = fields.Str(metadata={"description": "Only problems raised from this appraisal campaign."})


class OverdueQuery(ReportQuery):
    campaign_id = fields.Str(metadata={"description": "Only problems raised from this appraisal campaign."})


@blp.get("/problems")
@blp.arguments(ProblemsQuery, location="query")
@blp.response(200, TableSchema)
def problems(args):
    """Ledger figures of both services' problems (走访, 问卷测评, 网上意见), cut by region, source, category, unit, organ or week."""
    return report(problems_table, args, args["by"])


@blp.get("/problems/overdue")
@blp.arguments(OverdueQuery, location="query")
@blp.response(200, TableSchema)
def overdue(args):
    """Problems overdue (逾期) at the end of the period or `as_of`, most overdue first."""
    return report(overdue_table, args)
