"""Pairings (结对帮扶 / 结对共建) with their span and days on site."""
from marshmallow import fields, validate

from shared.contracts.visits import PAIRING_KINDS
from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import page_schema
from services.visits import handlers
from services.visits.api.common import Change, DatedListQuery, Id, Region, Text, change, listing, read, repository
from services.visits.domain import Pairing

blp = Blueprint("pairings", __name__, url_prefix="/pairings",
                description="Pairings: cadres with households or enterprises in difficulty (结对帮扶); organs' party "
                            "organisations with villages' or construction points' (结对共建).")

Kind = lambda **kw: fields.Str(validate=validate.OneOf(list(PAIRING_KINDS)), **kw)  # noqa: E731


class StartPairing(Schema):
    kind = Kind(required=True)
    cadre_id = Id(metadata={"description": "cadre_household and cadre_enterprise pairings."})
    organ_id = Id(metadata={"description": "The pairing organ; for cadre pairings, default the cadre's."})
    point_id = Id(metadata={"description": "organ_point pairings."})
    partner_name = Text(200, required=True, metadata={"description": "The household, enterprise or party organisation."})
    region = Region(required=True, metadata={"description": "Where the partner is."})
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True, metadata={"description": "Planned end."})
    required_days = fields.Int(load_default=0, validate=validate.Range(0, 3660),
                               metadata={"description": "Days on site required over the pairing."})


class LogDays(Change):
    days = fields.Int(required=True, validate=validate.Range(1, 366))
    on = fields.Date(metadata={"description": "Last day of the stay (China Standard Time); default today."})
    note = Text(2000)


class EndPairing(Change):
    outcome = Text(2000)


class StayOut(Schema):
    days = fields.Int()
    on = fields.Str()
    note = fields.Str(allow_none=True)


class PairingSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    kind = fields.Str()
    status = fields.Str(metadata={"description": "active | ended"})
    organ_id = fields.Str()
    cadre_id = fields.Str(allow_none=True)
    point_id = fields.Str(allow_none=True)
    partner_name = fields.Str()
    region = fields.Str()
    start_on = fields.Str()
    end_on = fields.Str()
    required_days = fields.Int()
    days_total = fields.Int()
    days_met = fields.Bool()
    stays = fields.List(fields.Nested(StayOut))
    ended_on = fields.Str(allow_none=True)
    outcome = fields.Str(allow_none=True)


class PairingQuery(DatedListQuery):
    kind = Kind()
    status = fields.Str(validate=validate.OneOf(["active", "ended"]))
    organ_id = fields.Str()
    cadre_id = fields.Str()
    point_id = fields.Str()


@blp.post("")
@blp.arguments(StartPairing)
@blp.response(201, PairingSchema)
def start(args):
    """Start a pairing."""
    return handlers.start_pairing(repository(), caller("clerk"), **args).view()


@blp.get("")
@blp.arguments(PairingQuery, location="query")
@blp.response(200, page_schema(PairingSchema))
def list_pairings(query):
    """List pairings in the caller's jurisdiction, by start date range, kind, status, organ, cadre or point."""
    return listing(Pairing, query, filters=("kind", "status", "organ_id", "cadre_id", "point_id"), date_field="start_on")


@blp.get("/<pairing_id>")
@blp.response(200, PairingSchema)
def get(pairing_id):
    """One pairing with its days on site."""
    return read(Pairing, pairing_id)


@blp.post("/<pairing_id>/days")
@blp.arguments(LogDays)
@blp.response(200, PairingSchema)
def log_days(args, pairing_id):
    """Log days spent on site (驻点天数)."""
    return change(Pairing, pairing_id, args, "clerk", lambda pairing, on: pairing.log_days(on=on, **args))


@blp.post("/<pairing_id>/end")
@blp.arguments(EndPairing)
@blp.response(200, PairingSchema)
def end(args, pairing_id):
    """End the pairing; says whether the required days on site were met."""
    return change(Pairing, pairing_id, args, "clerk", lambda pairing, on: pairing.end(on=on, **args))
