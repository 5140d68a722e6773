"""Visits (下基层): cadres at enterprises, villages, communities, industrial parks and subordinate units."""
from marshmallow import fields, validate

from shared.contracts.visits import ACTIVITIES, PLACE_TYPES
from shared.events import Schema
from shared.ledger.events import CATEGORIES
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import page_schema
from services.visits import handlers
from services.visits.api.common import (Cancel, CancellationOut, DatedListQuery, Id, Region, Text, Yuan, change,
                                       listing, read, repository)
from services.visits.domain import Visit
from services.visits.domain.visit import Assistance

blp = Blueprint("visits", __name__, url_prefix="/visits",
                description="Grassroots visits (下基层) with their 三问/三送/三学 activities and what they delivered.")

PlaceType = lambda **kw: fields.Str(validate=validate.OneOf(list(PLACE_TYPES)), **kw)  # noqa: E731
Activity = lambda **kw: fields.Str(validate=validate.OneOf(list(ACTIVITIES)), **kw)  # noqa: E731
Count = lambda **kw: fields.Int(validate=validate.Range(0, 10_000_000), **kw)  # noqa: E731


class FundIn(Schema):
    purpose = Text(200, required=True)
    amount_yuan = Yuan(required=True)


class ItemIn(Schema):
    name = Text(200, required=True)
    count = fields.Int(required=True, validate=validate.Range(1, 10_000_000))


class PolicySessionIn(Schema):
    topic = Text(200, required=True)
    attendance = Count(required=True)


class ProblemIn(Schema):
    category = fields.Str(required=True, validate=validate.OneOf(list(CATEGORIES)))
    description = Text(4000, required=True)
    organ_id = Id(metadata={"description": "The organ the problem concerns, if known."})


class LogVisit(Schema):
    cadre_ids = fields.List(Id(), required=True, validate=validate.Length(1, 50))
    region = Region(required=True, metadata={"description": "Where the visit took place."})
    visited_on = fields.Date(required=True)
    place_type = PlaceType(required=True)
    place_name = Text(200, required=True)
    activities = fields.List(Activity(), required=True, validate=validate.Length(1, len(ACTIVITIES)))
    people_reached = Count(load_default=0)
    households_reached = Count(load_default=0)
    notes = Text(4000)
    funds = fields.List(fields.Nested(FundIn), load_default=list, validate=validate.Length(max=100))
    items = fields.List(fields.Nested(ItemIn), load_default=list, validate=validate.Length(max=100))
    services = fields.List(Text(500), load_default=list, validate=validate.Length(max=100))
    policy_sessions = fields.List(fields.Nested(PolicySessionIn), load_default=list, validate=validate.Length(max=100))
    problems = fields.List(fields.Nested(ProblemIn), load_default=list, validate=validate.Length(max=50),
                           metadata={"description": "Problems raised during the visit; each goes onto the ledger."})


class FundOut(Schema):
    purpose = fields.Str()
    amount_yuan = fields.Str()


class ItemOut(Schema):
    name = fields.Str()
    count = fields.Int()


class PolicySessionOut(Schema):
    topic = fields.Str()
    attendance = fields.Int()


class VisitSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    status = fields.Str(metadata={"description": "logged | cancelled"})
    cadre_ids = fields.List(fields.Str())
    leading_cadre_ids = fields.List(fields.Str())
    organ_ids = fields.List(fields.Str())
    region = fields.Str()
    visited_on = fields.Str()
    place_type = fields.Str()
    place_name = fields.Str()
    activities = fields.List(fields.Str())
    people_reached = fields.Int()
    households_reached = fields.Int()
    notes = fields.Str(allow_none=True)
    funds = fields.List(fields.Nested(FundOut))
    items = fields.List(fields.Nested(ItemOut))
    services = fields.List(fields.Str())
    policy_sessions = fields.List(fields.Nested(PolicySessionOut))
    funds_total_yuan = fields.Str()
    items_total = fields.Int()
    policy_attendance_total = fields.Int()
    problem_ids = fields.List(fields.Str())
    cancellation = fields.Nested(CancellationOut, allow_none=True)


class VisitQuery(DatedListQuery):
    place_type = PlaceType()
    status = fields.Str(validate=validate.OneOf(["logged", "cancelled"]))
    activity = Activity()
    cadre_id = fields.Str()
    organ_id = fields.Str()


@blp.post("")
@blp.arguments(LogVisit)
@blp.response(201, VisitSchema)
def log(args):
    """Log a visit; the problems it raised go onto the ledger (source "visit")."""
    assistance = Assistance(**{k: args.pop(k) for k in ("funds", "items", "services", "policy_sessions")})
    return handlers.log_visit(repository(), caller("clerk"), assistance=assistance, **args).view()


MEMBERSHIP = (("activity", "activities"), ("cadre_id", "cadre_ids"), ("organ_id", "organ_ids"))


@blp.get("")
@blp.arguments(VisitQuery, location="query")
@blp.response(200, page_schema(VisitSchema))
def list_visits(query):
    """List visits in the caller's jurisdiction, by date range, place type, status, activity, cadre or organ."""
    def wanted(v: dict) -> bool:
        return all(query[key] in v[among] for key, among in MEMBERSHIP if key in query)
    return listing(Visit, query, filters=("place_type", "status"), date_field="visited_on", where=wanted)


@blp.get("/<visit_id>")
@blp.response(200, VisitSchema)
def get(visit_id):
    """One visit."""
    return read(Visit, visit_id)


@blp.post("/<visit_id>/cancellation")
@blp.arguments(Cancel)
@blp.response(200, VisitSchema)
def cancel(args, visit_id):
    """Cancel a visit logged in error (撤销); its problems stay on the ledger."""
    return change(Visit, visit_id, args, "clerk", lambda visit, on: visit.cancel(on=on, **args))
