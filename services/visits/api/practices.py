"""Good practices (好的经验做法), reported by organs and published by the working committee (内刊内网)."""
from marshmallow import fields, validate

from shared.contracts.visits import PUBLISH_CHANNELS
from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import page_schema
from services.visits import handlers
from services.visits.api.common import Change, DatedListQuery, Id, Text, change, listing, read, repository
from services.visits.domain import Practice
from services.visits.domain.practice import STATUSES

blp = Blueprint("practices", __name__, url_prefix="/practices",
                description="Good practices (好的经验做法) and their publication (内刊内网).")


class SubmitPractice(Schema):
    organ_id = Id(required=True)
    title = Text(200, required=True)
    summary = Text(8000, required=True)
    on = fields.Date(metadata={"description": "Submission date (China Standard Time); default today."})


class Publish(Change):
    channels = fields.List(fields.Str(validate=validate.OneOf(list(PUBLISH_CHANNELS))), required=True,
                           validate=validate.Length(1, len(PUBLISH_CHANNELS)),
                           metadata={"description": "journal (内刊) and/or intranet (内网)."})
    issue = Text(100, metadata={"description": "The journal issue (期号), if any."})


class Decline(Change):
    reason = Text(2000, required=True)


class PracticeSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    status = fields.Str(metadata={"description": "submitted | published | declined"})
    organ_id = fields.Str()
    organ_name = fields.Str()
    organ_category = fields.Str()
    region = fields.Str()
    title = fields.Str()
    summary = fields.Str()
    submitted_on = fields.Str()
    channels = fields.List(fields.Str())
    issue = fields.Str(allow_none=True)
    decline_reason = fields.Str(allow_none=True)
    decided_on = fields.Str(allow_none=True)


class PracticeQuery(DatedListQuery):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    organ_id = fields.Str()


@blp.post("")
@blp.arguments(SubmitPractice)
@blp.response(201, PracticeSchema)
def submit(args):
    """Report a good practice of an organ to the working committee."""
    return handlers.submit_practice(repository(), caller("clerk"), **args).view()


@blp.get("")
@blp.arguments(PracticeQuery, location="query")
@blp.response(200, page_schema(PracticeSchema))
def list_practices(query):
    """List good practices in the caller's jurisdiction, by submission date range, status or organ."""
    return listing(Practice, query, filters=("status", "organ_id"), date_field="submitted_on")


@blp.get("/<practice_id>")
@blp.response(200, PracticeSchema)
def get(practice_id):
    """One good practice."""
    return read(Practice, practice_id)


@blp.post("/<practice_id>/publication")
@blp.arguments(Publish)
@blp.response(200, PracticeSchema)
def publish(args, practice_id):
    """Publish the practice in the journal and/or intranet (admin: the working committee)."""
    return change(Practice, practice_id, args, "admin", lambda practice, on: practice.publish(on=on, **args))


@blp.post("/<practice_id>/decline")
@blp.arguments(Decline)
@blp.response(200, PracticeSchema)
def decline(args, practice_id):
    """Decline to publish the practice, with a reason (admin: the working committee)."""
    return change(Practice, practice_id, args, "admin", lambda practice, on: practice.decline(on=on, **args))
