"""What every resource of the visits service does the same way: find the repository, read one record
within the caller's jurisdiction, apply a one-record command, list with the usual filters."""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterable

from flask import current_app
from marshmallow import ValidationError, fields, validate, validates_schema

from shared.aggregate import Aggregate, NotFound
from shared.application import EventSourcedRepository
from shared.events import Schema
from shared.projections import Between
from shared.web.auth import caller, require_region
from shared.web.listing import ListQuery, page_of_views, region_filter
from services.visits import handlers

Id = lambda **kw: fields.Str(validate=validate.Length(1, 100), **kw)  # noqa: E731
Text = lambda n, **kw: fields.Str(validate=validate.Length(1, n), **kw)  # noqa: E731
Region = lambda **kw: fields.Str(validate=validate.Regexp(r"^\d{6}$"), **kw)  # noqa: E731


def Yuan(**kw):
    """An amount of yuan in a request: more than 0, with at most two places (fen), never rounded silently."""
    return fields.Decimal(places=None, allow_nan=False, validate=_yuan,
                          metadata={"type": "string", "example": "10000.00", "description": "yuan (元)"}, **kw)


def _yuan(amount) -> None:
    if amount.as_tuple().exponent < -2:
        raise ValidationError("At most two decimal places (fen).")
    if amount <= 0:
        raise ValidationError("Must be more than 0.")


class Change(Schema):
    """Fields every command on an existing record accepts."""
    version = fields.Int(metadata={"description": "The version you read; a stale one gets 409."})
    on = fields.Date(metadata={"description": "Business date (China Standard Time); default today."})


class Cancel(Change):
    """Cancelling a record made in error (撤销): a visit, a meeting."""
    reason = Text(2000, required=True)


class CancellationOut(Schema):
    reason = fields.Str()
    cancelled_on = fields.Str()


class DatedListQuery(ListQuery):
    date_from = fields.Date(data_key="from", metadata={"description": "From this date (inclusive)."})
    date_to = fields.Date(data_key="to", metadata={"description": "Up to this date (inclusive)."})

    @validates_schema
    def _ordered(self, data, **_):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("`from` is after `to`.", "from")


def repository() -> EventSourcedRepository:
    return current_app.extensions["shuangwan"].repository


def read(cls: type[Aggregate], id: str) -> dict:
    """One record's current state, for a viewer within whose jurisdiction it lies."""
    who = caller("viewer")
    view = repository().view(id)
    if view.get("_kind") != cls.stream_prefix:
        raise NotFound(f"no {cls.__name__} {id}")
    require_region(who, view["region"])
    return view


def change(cls: type[Aggregate], id: str, args: dict, role: str, command: Callable[[Aggregate, date], None]) -> dict:
    """Load one record (version-checked), apply `command(record, business date)`, save; returns the new view."""
    who = caller(role)
    record = handlers.load(repository(), who, cls, id, args.pop("version", None))
    command(record, handlers.business_date(args.pop("on", None)))
    repository().save(record)
    return record.view()


def listing(cls: type[Aggregate], query: dict, filters: Iterable[str] = (), date_field: str | None = None,
            where: Callable[[dict], bool] | None = None) -> dict:
    """A page of records within the caller's jurisdiction: newest first by `date_field`, else by region and name."""
    who = caller("viewer")
    match = {"region": region_filter(who, query.get("region"))}
    match.update({k: query[k] for k in filters if k in query})
    start, end = query.get("date_from"), query.get("date_to")
    if date_field and (start or end):
        match[date_field] = Between(start and start.isoformat(), end and end.isoformat())
    order = [(date_field, True)] if date_field else [("region", False), ("name", False)]
    return page_of_views(repository(), cls.stream_prefix, match, order, query, keep=where)
