"""`/reports/overview`: a region's headline figures, with each line of its drill-down."""
from shared.web.blueprint import Blueprint
from services.reporting.api.common import ReportQuery, TableSchema, report
from services.reporting.queries.overview import overview_table

blp = Blueprint("overview", __name__, url_prefix="/reports", description="Headline figures per region (总览).")


@blp.get("/overview")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def overview(args):
    """Headline figures of a region and of its own records (本级) and each child region."""
    return report(overview_table, args)
