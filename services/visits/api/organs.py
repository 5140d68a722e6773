"""Organs (机关单位): the units whose cadres go down to the grassroots."""
from marshmallow import fields, validate

from shared.contracts.visits import ORGAN_CATEGORIES, TIERS
from shared.events import Schema
from shared.web.auth import caller
from shared.web.blueprint import Blueprint
from shared.web.listing import ListQuery, page_schema
from services.visits import handlers
from services.visits.api.common import Region, Text, listing, read, repository
from services.visits.domain import Organ

blp = Blueprint("organs", __name__, url_prefix="/organs",
                description="Organs (机关单位) by category (序列), tier and region.")


class RegisterOrgan(Schema):
    name = Text(200, required=True)
    category = fields.Str(required=True, validate=validate.OneOf(list(ORGAN_CATEGORIES)))
    region = Region(required=True, metadata={"description": "The organ's region; its tier follows the code."})


class OrganSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    name = fields.Str()
    category = fields.Str()
    tier = fields.Str()
    region = fields.Str()


class OrganQuery(ListQuery):
    category = fields.Str(validate=validate.OneOf(list(ORGAN_CATEGORIES)))
    tier = fields.Str(validate=validate.OneOf(TIERS))


@blp.post("")
@blp.arguments(RegisterOrgan)
@blp.response(201, OrganSchema)
def register(args):
    """Register an organ (admin)."""
    return handlers.register_organ(repository(), caller("admin"), **args).view()


@blp.get("")
@blp.arguments(OrganQuery, location="query")
@blp.response(200, page_schema(OrganSchema))
def list_organs(query):
    """List organs in the caller's jurisdiction, filterable by category and tier."""
    return listing(Organ, query, filters=("category", "tier"))


@blp.get("/<organ_id>")
@blp.response(200, OrganSchema)
def get(organ_id):
    """One organ."""
    return read(Organ, organ_id)
