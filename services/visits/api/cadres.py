"""Cadres (干部) of the organs; whether each is a leading cadre (领导干部) is derived, never typed in."""
from marshmallow import fields, validate

from shared.contracts.visits import RANKS
from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import ListQuery, page_schema
from services.visits import handlers
from services.visits.api.common import Change, Id, Text, listing, read, repository
from services.visits.domain import Cadre

blp = Blueprint("cadres", __name__, url_prefix="/cadres",
                description="Cadres (干部); leading cadres (领导干部) are 县处级以上 in city and province organs, "
                            "科级以上 in county organs.")

Rank = lambda **kw: fields.Str(validate=validate.OneOf(list(RANKS)), **kw)  # noqa: E731


class RegisterCadre(Schema):
    organ_id = Id(required=True)
    name = Text(100, required=True)
    rank = Rank(required=True)
    position = Text(200, metadata={"description": "职务, free text."})


class ChangeCadre(Change):
    rank = Rank()
    position = Text(200)
    organ_id = Id(metadata={"description": "Move the cadre to another organ."})


class CadreSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    name = fields.Str()
    position = fields.Str(allow_none=True)
    rank = fields.Str()
    organ_id = fields.Str()
    organ_name = fields.Str()
    organ_category = fields.Str()
    organ_tier = fields.Str()
    region = fields.Str()
    leading = fields.Bool()


class CadreQuery(ListQuery):
    organ_id = fields.Str()
    rank = Rank()
    leading = fields.Bool()


@blp.post("")
@blp.arguments(RegisterCadre)
@blp.response(201, CadreSchema)
def register(args):
    """Register a cadre in an organ (admin)."""
    return handlers.register_cadre(repository(), caller("admin"), **args).view()


@blp.get("")
@blp.arguments(CadreQuery, location="query")
@blp.response(200, page_schema(CadreSchema))
def list_cadres(query):
    """List cadres in the caller's jurisdiction, filterable by organ, rank and leading."""
    return listing(Cadre, query, filters=("organ_id", "rank", "leading"))


@blp.get("/<cadre_id>")
@blp.response(200, CadreSchema)
def get(cadre_id):
    """One cadre."""
    return read(Cadre, cadre_id)


@blp.patch("/<cadre_id>")
@blp.arguments(ChangeCadre)
@blp.response(200, CadreSchema)
def change(args, cadre_id):
    """Change a cadre's rank, position or organ (admin); the leading flag follows."""
    return handlers.update_cadre(repository(), caller("admin"), cadre_id, **args).view()
