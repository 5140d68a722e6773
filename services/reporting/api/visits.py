"""Reports on cadres going down to the grassroots (干部下基层): visits, cadres, 三个一, pairings, good practices,
report meetings."""
from shared.web.blueprint import Blueprint
from services.reporting.api.common import ReportQuery, TableSchema, by_query, report
from services.reporting.queries.visits import (cadres_table, meetings_table, pairings_table, points_table,
                                               practices_table, visits_table)

blp = Blueprint("visits", __name__, url_prefix="/reports",
                description="Visits (走访), cadres' coverage and research reports, 三个一, pairings, good practices "
                            "and report meetings.")

VisitsQuery = by_query(["region", "organ", "place_type", "activity", "week"], "region", "VisitsQuery")
CadresQuery = by_query(["region", "organ"], "region", "CadresQuery")
PointsQuery = by_query(["point", "region"], "point", "PointsQuery")
PairingsQuery = by_query(["region", "organ", "kind"], "region", "PairingsQuery")
PracticesQuery = by_query(["region", "organ"], "region", "PracticesQuery")


@blp.get("/visits")
@blp.arguments(VisitsQuery, location="query")
@blp.response(200, TableSchema)
def visits(args):
    """Visits, cadres taking part, people and households reached, 三送 delivered, problems collected."""
    return report(visits_table, args, args["by"])


@blp.get("/visits/weekly")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def weekly(args):
    """The visit figures of each ISO week (CST) of the period."""
    return report(visits_table, {**args, "by": "week"}, "week")


@blp.get("/cadres")
@blp.arguments(CadresQuery, location="query")
@blp.response(200, TableSchema)
def cadres(args):
    """Leading-cadre coverage (share who visited) and research-report completion, by cadres' organ region or organ."""
    return report(cadres_table, args, args["by"])


@blp.get("/points")
@blp.arguments(PointsQuery, location="query")
@blp.response(200, TableSchema)
def points(args):
    """三个一 at new-countryside construction points: per point, or the share compliant per region."""
    return report(points_table, args, args["by"])


@blp.get("/pairings")
@blp.arguments(PairingsQuery, location="query")
@blp.response(200, TableSchema)
def pairings(args):
    """Pairings (结对帮扶/结对共建): started, active, ended, days on site."""
    return report(pairings_table, args, args["by"])


@blp.get("/practices")
@blp.arguments(PracticesQuery, location="query")
@blp.response(200, TableSchema)
def practices(args):
    """Good practices (好的经验做法) reported upward, published and declined, by region or organ."""
    return report(practices_table, args, args["by"])


@blp.get("/meetings")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def meetings(args):
    """Report meetings on advanced grassroots examples (先进典型报告会, 三学): held, exemplars, attendance, by region."""
    return report(meetings_table, args)
