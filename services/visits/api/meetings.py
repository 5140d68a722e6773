"""Report meetings on advanced grassroots examples (先进典型报告会, 三学), and their cancellation."""
from marshmallow import fields, validate

from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import page_schema
from services.visits import handlers
from services.visits.api.common import (Cancel, CancellationOut, DatedListQuery, Region, Text, change, listing, read,
                                       repository)
from services.visits.domain import ExemplarMeeting

blp = Blueprint("meetings", __name__, url_prefix="/meetings",
                description="Report meetings on advanced grassroots examples (先进典型报告会, 三学).")


class Exemplar(Schema):
    name = Text(100, required=True, metadata={"description": "The exemplar's name (先进典型)."})
    unit = Text(200, required=True, metadata={"description": "Their village, enterprise, community or unit."})
    deeds = Text(2000, metadata={"description": "What they are an example of (事迹)."})


class HoldMeeting(Schema):
    region = Region(required=True, metadata={"description": "Where the meeting was held (a region of your jurisdiction)."})
    held_on = fields.Date(required=True)
    title = Text(200, required=True)
    place = Text(200)
    host = Text(200, metadata={"description": "Who held it, e.g. the working committee (机关工委)."})
    exemplars = fields.List(fields.Nested(Exemplar), required=True, validate=validate.Length(1, 50),
                            metadata={"description": "The examples who reported."})
    attendance = fields.Int(required=True, validate=validate.Range(1, 100_000),
                            metadata={"description": "How many attended (参会人数)."})
    notes = Text(4000)


class ExemplarOut(Schema):
    name = fields.Str()
    unit = fields.Str()
    deeds = fields.Str(allow_none=True)


class MeetingSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    status = fields.Str(metadata={"description": "held | cancelled"})
    region = fields.Str()
    held_on = fields.Str()
    title = fields.Str()
    place = fields.Str(allow_none=True)
    host = fields.Str(allow_none=True)
    exemplars = fields.List(fields.Nested(ExemplarOut))
    attendance = fields.Int()
    notes = fields.Str(allow_none=True)
    cancellation = fields.Nested(CancellationOut, allow_none=True)


class MeetingQuery(DatedListQuery):
    status = fields.Str(validate=validate.OneOf(["held", "cancelled"]))


@blp.post("")
@blp.arguments(HoldMeeting)
@blp.response(201, MeetingSchema)
def hold(args):
    """Record a report meeting on advanced grassroots examples."""
    return handlers.hold_meeting(repository(), caller("clerk"), **args).view()


@blp.get("")
@blp.arguments(MeetingQuery, location="query")
@blp.response(200, page_schema(MeetingSchema))
def list_meetings(query):
    """List the meetings in the caller's jurisdiction, by date range and status, newest first."""
    return listing(ExemplarMeeting, query, filters=("status",), date_field="held_on")


@blp.get("/<meeting_id>")
@blp.response(200, MeetingSchema)
def get(meeting_id):
    """One meeting."""
    return read(ExemplarMeeting, meeting_id)


@blp.post("/<meeting_id>/cancellation")
@blp.arguments(Cancel)
@blp.response(200, MeetingSchema)
def cancel(args, meeting_id):
    """Cancel a meeting recorded in error (撤销); it no longer counts."""
    return change(ExemplarMeeting, meeting_id, args, "clerk", lambda meeting, on: meeting.cancel(on=on, **args))
