"""Research reports (调研报告): every leading cadre owes one."""
from marshmallow import fields

from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import ListQuery, page_of, page_schema
from services.visits import handlers
from services.visits.api.common import DatedListQuery, Id, Text, listing, read, repository
from services.visits.domain import ResearchReport

blp = Blueprint("reports", __name__, url_prefix="/reports",
                description="Research reports (调研报告) and their completion among leading cadres.")


class SubmitReport(Schema):
    cadre_id = Id(required=True)
    title = Text(200, required=True)
    summary = Text(8000, required=True)
    attachment_ref = Text(500, metadata={"description": "Where the full text is kept (a document reference)."})
    on = fields.Date(metadata={"description": "Submission date (China Standard Time); default today."})


class ReportSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    cadre_id = fields.Str()
    cadre_name = fields.Str()
    organ_id = fields.Str()
    leading = fields.Bool()
    region = fields.Str()
    title = fields.Str()
    summary = fields.Str()
    attachment_ref = fields.Str(allow_none=True)
    submitted_on = fields.Str()


class ReportQuery(DatedListQuery):
    organ_id = fields.Str()
    cadre_id = fields.Str()


class CompletionQuery(ListQuery):
    organ_id = fields.Str()
    submitted = fields.Bool(metadata={"description": "Only those who have (true) or have not (false) submitted."})


class CadreCompletion(Schema):
    cadre_id = fields.Str()
    name = fields.Str()
    rank = fields.Str()
    organ_id = fields.Str()
    organ_name = fields.Str()
    region = fields.Str()
    submitted = fields.Bool()
    report_ids = fields.List(fields.Str())


class CompletionPage(page_schema(CadreCompletion)):
    leading_total = fields.Int(metadata={"description": "Leading cadres who owe a report."})
    submitted_total = fields.Int(metadata={"description": "Of them, those who have submitted one."})


@blp.post("")
@blp.arguments(SubmitReport)
@blp.response(201, ReportSchema)
def submit(args):
    """Submit a research report written by a registered cadre."""
    return handlers.submit_report(repository(), caller("clerk"), **args).view()


@blp.get("")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, page_schema(ReportSchema))
def list_reports(query):
    """List research reports in the caller's jurisdiction, by date range, organ or cadre."""
    return listing(ResearchReport, query, filters=("organ_id", "cadre_id"), date_field="submitted_on")


@blp.get("/completion")
@blp.arguments(CompletionQuery, location="query")
@blp.response(200, CompletionPage)
def completion(query):
    """Which leading cadres (per region or organ) have and have not submitted a research report."""
    rows = handlers.report_completion(repository(), caller("viewer"), region=query.get("region"),
                                      organ_id=query.get("organ_id"))
    shown = [r for r in rows if query.get("submitted", r["submitted"]) == r["submitted"]]
    page = page_of(shown, query["page"], query["page_size"], sort_key=lambda r: (r["submitted"], r["organ_id"], r["name"]),
                   reverse=False)
    return {**page, "leading_total": len(rows), "submitted_total": sum(r["submitted"] for r in rows)}


@blp.get("/<report_id>")
@blp.response(200, ReportSchema)
def get(report_id):
    """One research report."""
    return read(ResearchReport, report_id)
