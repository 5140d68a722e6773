"""Reports on the citizens' appraisal of organs (群众评机关): campaigns, scores, responses, opinions."""
from marshmallow import fields, validate

from shared.web.blueprint import Blueprint
from services.reporting.api.common import ReportQuery, TableSchema, by_query, report
from services.reporting.queries.appraisal import (campaigns_table, dimensions_table, opinions_table, organs_table,
                                                  responses_table)

blp = Blueprint("appraisal", __name__, url_prefix="/reports/appraisal",
                description="Appraisal campaigns: response rates, scores and rankings, opinions. "
                            "A sealed campaign shows no scores until it closes (409 `sealed`).")

ResponsesQuery = by_query(["respondent_category", "channel", "batch"], "respondent_category", "ResponsesQuery")


class OpinionsQuery(ReportQuery):
    organ_id = fields.Str(validate=validate.Length(1, 100), metadata={"description": "Only opinions about this organ."})


@blp.get("/campaigns")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def campaigns(args):
    """Appraisal campaigns in the region, with status, seal and response rate."""
    return report(campaigns_table, args)


@blp.get("/<campaign_id>/organs")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def organs(args, campaign_id):
    """Each target organ's score and satisfaction rate (weighted and pooled), grade, rank in its category, flags."""
    return report(organs_table, args, campaign_id=campaign_id)


@blp.get("/<campaign_id>/dimensions")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, TableSchema)
def dimensions(args, campaign_id):
    """Per organ × dimension: valid n, 不了解 share, satisfaction rate and composite score, pooled and weighted."""
    return report(dimensions_table, args, campaign_id=campaign_id)


@blp.get("/<campaign_id>/responses")
@blp.arguments(ResponsesQuery, location="query")
@blp.response(200, TableSchema)
def responses(args, campaign_id):
    """Questionnaires issued and returned, by respondent category, channel or batch; over-returned batches flagged."""
    return report(responses_table, args, args["by"], campaign_id=campaign_id)


@blp.get("/<campaign_id>/opinions")
@blp.arguments(OpinionsQuery, location="query")
@blp.response(200, TableSchema)
def opinions(args, campaign_id):
    """Opinions and suggestions (online and on questionnaires): the text, never who wrote it."""
    return report(opinions_table, args, args.get("organ_id"), campaign_id=campaign_id)
