"""The reporting instance's own state, for its office: generations and dead letters."""
from marshmallow import fields

from services.reporting.api.common import context, rows
from shared.consumer import DEAD_LETTERS
from shared.events import Schema
from shared.web.auth import Caller, caller, require_region
from shared.web.blueprint import Blueprint
from shared.web.listing import PageQuery, page_in_order, page_schema

blp = Blueprint("admin", __name__, url_prefix="/reports",
                description="The projections' generations and the messages the consumer could not read.")


class DeadLetter(Schema):
    id = fields.Str(attribute="_id", metadata={"description": "topic/partition/offset of the message"})
    topic = fields.Str()
    partition = fields.Int()
    offset = fields.Int()
    key = fields.Str()
    reason = fields.Str()
    raw = fields.Str(metadata={"description": "the message's first 4 KiB"})
    at = fields.Str()


class GenerationsSchema(Schema):
    office = fields.Str()
    active = fields.Int()
    building = fields.Int(allow_none=True)
    active_group = fields.Str()
    version = fields.Int(metadata={"description": "The version of the projections that built the active generation."})
    current_version = fields.Int(metadata={"description": "The version this code writes."})
    stale = fields.Bool(metadata={"description": "Built by an earlier version: a rebuild adds what the newer one writes."})
    collections = fields.Dict(metadata={"description": "rows per collection of the active generation"})


def office_admin() -> Caller:
    """An admin whose jurisdiction covers this instance's office (dead letters are raw messages of any region)."""
    who = caller("admin")
    require_region(who, context().settings.office_region)
    return who


@blp.get("/dead-letters")
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(DeadLetter))
def dead_letters(query):
    """Messages of the active generation's consumer that could not be decoded, newest first (admin)."""
    office_admin()
    store = rows()
    # Paged by `at` alone; only the page's letters (up to 4 KiB of message each) are read whole.
    page = page_in_order(store.scan(DEAD_LETTERS, None, ["at"], [("at", True)]), query["page"], query["page_size"],
                         store.count(DEAD_LETTERS))
    letters = store.get_many(DEAD_LETTERS, [d["_id"] for d in page["items"]])
    return {**page, "items": [letters[d["_id"]] for d in page["items"] if d["_id"] in letters]}


@blp.get("/generations")
@blp.response(200, GenerationsSchema)
def generations():
    """Which generation of the projections answers, and which one a rebuild is building (admin)."""
    office_admin()
    ctx = context()
    meta = ctx.generations.read()
    active, version = rows(meta["active"]), ctx.generations.built_by(meta["active"])
    return {"office": ctx.settings.office_region, "active": meta["active"], "building": meta["building"],
            "active_group": ctx.group(meta["active"]), "version": version,
            "current_version": ctx.generations.version, "stale": version < ctx.generations.version,
            "collections": {c: active.count(c) for c in active.collections()}}
