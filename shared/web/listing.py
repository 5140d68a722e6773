"""Lists: pagination and the jurisdiction filter every list endpoint applies."""
from __future__ import annotations

from itertools import islice
from typing import Callable, Iterable

from marshmallow import fields, validate

from shared.application import EventSourcedRepository
from shared.events import Schema
from shared.projections import Order, Prefix
from shared.regions import jurisdiction_prefix
from shared.web.auth import Caller, require_region


class PageQuery(Schema):
    """Query parameters every paged list accepts."""
    page = fields.Int(load_default=1, validate=validate.Range(1, 100000))
    page_size = fields.Int(load_default=50, validate=validate.Range(1, 500))


class ListQuery(PageQuery):
    """Query parameters every list of records accepts."""
    region = fields.Str(validate=validate.Regexp(r"^\d{6}$"),
                        metadata={"description": "Only records within this region (default: the caller's jurisdiction)."})


def region_filter(who: Caller, region: str | None) -> Prefix:
    """The region prefix to list: the asked region (if within the caller's jurisdiction), else the caller's own."""
    region = region or who.region
    require_region(who, region)
    return Prefix(jurisdiction_prefix(region))


def page_of_views(repository: EventSourcedRepository, kind: str, where: dict, order: Order, query: dict,
                  each: Callable[[dict], dict] | None = None, keep: Callable[[dict], bool] | None = None) -> dict:
    """The page `query` asks for of the views of `kind` matching `where`, in `order`. `each` is
    applied to every view read (a figure worked out as of today); `keep` drops the views the store
    cannot filter (membership of a list, such a figure), which are then counted here."""
    rows = repository.scan(kind, where, order)
    if each is not None:
        rows = map(each, rows)
    if keep is not None:
        return page_in_order(filter(keep, rows), query["page"], query["page_size"])
    return page_in_order(rows, query["page"], query["page_size"], repository.count(kind, where))


def page_in_order(rows: Iterable[dict], page: int, page_size: int, total: int | None = None) -> dict:
    """A page of an ordered scan: the page's rows are kept, the ones before it read and let go.
    `total` is the store's count of the same rows, when it can count them; without it the rest are
    read to count them. Memory holds one page, whatever the list's length."""
    rows = iter(rows)
    before = sum(1 for _ in islice(rows, (page - 1) * page_size))
    items = list(islice(rows, page_size))
    if total is None:
        total = before + len(items) + sum(1 for _ in rows)
    return {"items": items, "page": page, "page_size": page_size, "total": total}


def page_of(items: list[dict], page: int, page_size: int, sort_key=None, reverse: bool = True) -> dict:
    if sort_key is not None:
        items = sorted(items, key=sort_key, reverse=reverse)
    start = (page - 1) * page_size
    return {"items": items[start:start + page_size], "page": page, "page_size": page_size, "total": len(items)}


def page_schema(item_schema) -> type[Schema]:
    """The response schema of a page of `item_schema`."""
    return type(f"{item_schema.__name__.removesuffix('Schema')}Page", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "page": fields.Int(), "page_size": fields.Int(), "total": fields.Int(),
    })
