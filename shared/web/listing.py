"""Lists: pagination and the jurisdiction filter every list endpoint applies."""
from __future__ import annotations

from itertools import islice
from typing import Iterator

from marshmallow import fields, validate

from shared.events import Schema
from shared.projections import Prefix
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


def page_in_order(rows: Iterator[dict], page: int, page_size: int, total: int | None = None) -> dict:
    """A page of an ordered scan: the page's rows are kept, the ones before it read and let go.
    `total` is the store's count of the same rows, when it can count them; without it (rows the
    store cannot filter, dropped by the caller on the way) the rest are read to count them. Memory
    holds one page, whatever the list's length."""
    read = 0

    def counted():
        nonlocal read
        for row in rows:
            read += 1
            yield row

    stream = counted()
    start = (page - 1) * page_size
    items = list(islice(stream, start, start + page_size))
    if total is None:
        for _ in stream:
            pass
        total = read
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
