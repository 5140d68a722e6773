"""New-countryside construction points (新农村建设点) and their 三个一 task."""
from marshmallow import fields, validate

from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import page_schema
from services.visits import handlers
from services.visits.api.common import Change, DatedListQuery, Id, Region, Text, Yuan, listing, read, repository
from services.visits.domain import ConstructionPoint

blp = Blueprint("points", __name__, url_prefix="/points",
                description="Construction points (新农村建设点) and 三个一: ≥ 1 party-building instructor, "
                            "≥ ¥10,000 for the activity room, ≥ 1 computer.")


class RegisterPoint(Schema):
    name = Text(200, required=True)
    region = Region(required=True)
    organ_id = Id(metadata={"description": "The organ responsible for the point, if any."})
    on = fields.Date(metadata={"description": "Registration date (China Standard Time); default today."})


class AssignInstructor(Change):
    instructor_name = Text(100, metadata={"description": "Default: the cadre's name."})
    cadre_id = Id(metadata={"description": "The cadre sent as instructor, if one of the organs' cadres."})
    organ_id = Id(metadata={"description": "The organ sending the instructor; default: the cadre's."})


class GiveFunds(Change):
    amount_yuan = Yuan(required=True)
    organ_id = Id(metadata={"description": "The organ giving the funds."})


class DonateComputers(Change):
    count = fields.Int(required=True, validate=validate.Range(1, 10_000))
    organ_id = Id(metadata={"description": "The organ donating."})


class InstructorOut(Schema):
    instructor_name = fields.Str()
    cadre_id = fields.Str(allow_none=True)
    organ_id = fields.Str(allow_none=True)
    assigned_on = fields.Str()


class ContributionOut(Schema):
    kind = fields.Str(metadata={"description": "instructor | funds | computers"})
    on = fields.Str()
    organ_id = fields.Str(allow_none=True)
    instructor_name = fields.Str()
    amount_yuan = fields.Str()
    count = fields.Int()


class PointSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    name = fields.Str()
    region = fields.Str()
    organ_id = fields.Str(allow_none=True)
    registered_on = fields.Str()
    instructors = fields.List(fields.Nested(InstructorOut))
    instructors_total = fields.Int()
    funds_total_yuan = fields.Str()
    computers_total = fields.Int()
    compliant = fields.Bool(metadata={"description": "三个一 met"})
    missing = fields.List(fields.Str(), metadata={"description": "What 三个一 still lacks: instructor, funds, computer."})
    contributions = fields.List(fields.Nested(ContributionOut))


class PointQuery(DatedListQuery):
    compliant = fields.Bool()
    organ_id = fields.Str()


@blp.post("")
@blp.arguments(RegisterPoint)
@blp.response(201, PointSchema)
def register(args):
    """Register a construction point (admin)."""
    return handlers.register_point(repository(), caller("admin"), **args).view()


@blp.get("")
@blp.arguments(PointQuery, location="query")
@blp.response(200, page_schema(PointSchema))
def list_points(query):
    """List construction points in the caller's jurisdiction, by registration date range, organ or 三个一 compliance."""
    return listing(ConstructionPoint, query, filters=("compliant", "organ_id"), date_field="registered_on")


@blp.get("/<point_id>")
@blp.response(200, PointSchema)
def get(point_id):
    """One construction point with its 三个一 figures and compliance."""
    return read(ConstructionPoint, point_id)


@blp.post("/<point_id>/instructors")
@blp.arguments(AssignInstructor)
@blp.response(200, PointSchema)
def assign_instructor(args, point_id):
    """Record a party-building instructor (党建工作指导员) sent to the point."""
    return handlers.assign_instructor(repository(), caller("clerk"), point_id, **args).view()


@blp.post("/<point_id>/funds")
@blp.arguments(GiveFunds)
@blp.response(200, PointSchema)
def give_funds(args, point_id):
    """Record funds given for the party members' activity room (党员活动室建设经费)."""
    return handlers.give_point_funds(repository(), caller("clerk"), point_id, **args).view()


@blp.post("/<point_id>/computers")
@blp.arguments(DonateComputers)
@blp.response(200, PointSchema)
def donate_computers(args, point_id):
    """Record computers donated for party members' use."""
    return handlers.donate_computers(repository(), caller("clerk"), point_id, **args).view()
