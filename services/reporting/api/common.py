"""What every report endpoint shares: its query parameters, whom it answers, and its formats."""
from __future__ import annotations

import io
from datetime import date
from typing import Callable

from apispec import BasePlugin
from flask import current_app, send_file
from marshmallow import ValidationError, fields, validate, validates_schema

from services.reporting.context import ReportingContext
from services.reporting.domain.periods import Period
from services.reporting.exports import FORMATS, render
from services.reporting.queries.scope import Scope
from services.reporting.queries.tables import Table
from shared.clock import today
from shared.events import Schema
from shared.projections import ProjectionStore
from shared.regions import within
from shared.web.auth import AuthError, caller, require_region


# The days a report may be about. Beyond them a weekly breakdown would run to hundreds of
# thousands of rows, and past year 9999 date arithmetic overflows.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
IN_RANGE = validate.Range(EARLIEST, LATEST, error=f"Reports cover {EARLIEST} to {LATEST}.")


class ReportQuery(Schema):
    """Parameters every report takes."""
    region = fields.Str(validate=validate.Regexp(r"^\d{6}$"), metadata={
        "description": "Report on this region (default: the caller's, within this instance's office)."})
    start = fields.Date(data_key="from", validate=IN_RANGE, metadata={"description": "First day of the period (CST), included."})
    end = fields.Date(data_key="to", validate=IN_RANGE, metadata={"description": "Last day of the period (CST), included."})
    week = fields.Str(validate=validate.Regexp(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
                      metadata={"description": "An ISO week (CST), e.g. 2026-W40; instead of from/to."})
    as_of = fields.Date(validate=IN_RANGE, metadata={"description": "The day open and overdue are judged at, when the period "
                                                 "ends later or is open (default today)."})
    format = fields.Str(load_default="json", validate=validate.OneOf(["json", *FORMATS]),
                        metadata={"description": "json, or a file: xlsx (Excel) or csv (UTF-8 with BOM)."})

    @validates_schema
    def one_period(self, data, **_):
        if "week" in data and ("start" in data or "end" in data):
            raise ValidationError("Give either a week or from/to, not both.", "week")
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("`from` is after `to`.", "from")
        if "week" in data:
            try:
                monday = Period.week(data["week"]).start
            except (ValueError, OverflowError):  # no such week, or one past year 9999
                raise ValidationError("Not an ISO week of that year.", "week") from None
            if not EARLIEST <= monday <= LATEST:
                raise ValidationError(f"Reports cover {EARLIEST} to {LATEST}.", "week")


def by_query(choices: list[str], default: str, name: str) -> type[ReportQuery]:
    """A ReportQuery with `by`: how the rows of the table are cut."""
    return type(name, (ReportQuery,), {"by": fields.Str(load_default=default, validate=validate.OneOf(choices),
                                                        metadata={"description": "Cut the rows by: " + ", ".join(choices)})})


class TableSchema(Schema):
    """A report table: its columns (English key, Chinese title, kind) and its rows; `total` is the
    figures of the whole scope when the rows break it down."""
    region = fields.Dict()
    period = fields.Dict()
    by = fields.Str()
    as_of = fields.Str()
    campaign = fields.Dict()
    hidden = fields.Int(metadata={"description": "Opinions hidden by moderation (not listed)."})
    columns = fields.List(fields.Dict())
    rows = fields.List(fields.Dict())
    total = fields.Dict(allow_none=True)


class FileFormats(BasePlugin):
    """apispec plugin: a report with a `format` parameter answers a file when asked; its document
    lists those content types beside JSON."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if not any(p.get("in") == "query" and p.get("name") == "format" for p in operation.get("parameters", [])):
                continue
            responses = operation.get("responses", {})
            content = (responses.get(200) or responses.get("200") or {}).get("content")
            if content is not None:
                for mimetype in FORMATS.values():
                    content.setdefault(mimetype.split(";")[0], {"schema": {"type": "string", "format": "binary"}})


def context() -> ReportingContext:
    return current_app.extensions["shuangwan"]


def rows(generation: int | None = None) -> ProjectionStore:
    """The rows of the active generation (or of `generation`) for a report to read (a view that
    passes `scan` and `count` on to the store, so a report holds a row at a time)."""
    return context().generations.view(generation)


def scope_of(args: dict, campaign_id: str | None = None) -> Scope:
    """The region, period and day a report is about, checked against caller and instance."""
    who = caller("viewer")
    ctx = context()
    office = ctx.settings.office_region
    region = args.get("region") or (who.region if within(office, who.region) else office)
    region = ctx.regions.get(region).code  # 422 for an unknown code; a former code means today's
    require_region(who, region)
    if not within(office, region):
        raise AuthError(403, f"This reporting instance serves office {office}; region {region} is outside it.")
    period = Period.week(args["week"]) if "week" in args else Period(args.get("start"), args.get("end"))
    return Scope(region, period, args.get("as_of") or today(), ctx.regions, campaign_id or args.get("campaign_id"))


def report(table: Callable[..., Table], args: dict, *more, campaign_id: str | None = None):
    """A report endpoint's answer: the scope its query asks for, the table `table(rows, scope,
    [campaign_id,] *more)` computes from the active generation, as JSON or a file."""
    scope = scope_of(args, campaign_id)
    leading = (campaign_id,) if campaign_id else ()
    return respond(table(rows(), scope, *leading, *more), scope, args)


def respond(table: Table, scope: Scope, args: dict):
    """The table as JSON, or as a file when `format` asks for one."""
    fmt = args.get("format", "json")
    if fmt != "json":
        name = f"{table.title}-{scope.region}.{fmt}"
        return send_file(io.BytesIO(render(table, fmt)), mimetype=FORMATS[fmt], as_attachment=True,
                         download_name=name)
    return {"region": {"code": scope.region, "name": scope.name_of(scope.region)},
            "period": scope.period.describe(), "as_of": scope.as_of.isoformat(),
            **({"by": args["by"]} if "by" in args else {}), **table.to_json()}
