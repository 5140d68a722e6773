"""Batches: invitation tokens (exported as CSV and as a printable sheet with QR codes) and paper forms."""
from __future__ import annotations

import csv
import io
from collections import Counter
from html import escape

import segno
from flask import Response, request
from marshmallow import fields, validate

from shared.aggregate import DomainError
from shared.application import new_id
from shared.clock import business_date
from shared.contracts.appraisal import RESPONDENT_CATEGORIES
from shared.events import Schema
from shared.web.blueprint import Blueprint
from services.appraisal.api import hash_key, load_for_office, repository
from services.appraisal.domain.batch import Batch
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.invitations import batch_tokens

MAX_BATCH = 10000


class NewBatch(Schema):
    respondent_category = fields.Str(required=True, validate=validate.OneOf(list(RESPONDENT_CATEGORIES)))
    count = fields.Int(required=True, validate=validate.Range(1, MAX_BATCH))
    label = fields.Str(validate=validate.Length(1, 200), metadata={"description": "e.g. 章贡区人大代表第一批"})
    on = fields.Date()


class NewPaperBatch(NewBatch):
    channel = fields.Str(load_default="paper", validate=validate.OneOf(["paper", "phone"]))


class BatchSchema(Schema):
    id = fields.Str()
    campaign_id = fields.Str()
    region = fields.Str()
    batch_kind = fields.Str(metadata={"description": "invitation | paper"})
    channel = fields.Str()
    respondent_category = fields.Str()
    count = fields.Int(metadata={"description": "How many were issued."})
    returned = fields.Int(metadata={"description": "How many answers came back."})
    over_returned = fields.Bool(metadata={"description": "More answers came back than were issued."})
    label = fields.Str(allow_none=True)
    issued_on = fields.Str()


class BatchList(Schema):
    items = fields.List(fields.Nested(BatchSchema))


def with_returns(batches: list[dict], responses: list[dict]) -> list[dict]:
    returned = Counter(r["batch_id"] for r in responses)
    return [{**b, "returned": returned[b["id"]], "over_returned": returned[b["id"]] > b["count"]} for b in batches]


def answer_url(token: str) -> str:
    # The token rides in the fragment, which browsers never send: it stays out of access logs.
    return f"{request.host_url}answer#{token}"


def tokens_csv(batch: Batch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["serial", "token", "url"])
    for serial, token in batch_tokens(hash_key(), batch.id, batch.count):
        writer.writerow([serial, token, answer_url(token)])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8


SHEET_CSS = """body{font-family:sans-serif;margin:1cm}h1{font-size:14pt}
.card{display:inline-block;width:6cm;margin:0.3cm;padding:0.3cm;border:1px dashed #888;text-align:center;
page-break-inside:avoid;font-size:9pt}.token{font-family:monospace;word-break:break-all}"""


def tokens_sheet(batch: Batch, campaign: Campaign) -> str:
    title = escape(campaign.definition["title"])
    category = RESPONDENT_CATEGORIES[batch.facts["respondent_category"]]
    cards = []
    for serial, token in batch_tokens(hash_key(), batch.id, batch.count):
        qr = segno.make(answer_url(token), error="m").svg_inline(scale=3)
        cards.append(f'<div class="card">{qr}<div>No. {serial}</div><div class="token">{escape(token)}</div>'
                     f'<div>扫码或输入邀请码参加评议，每码限用一次</div></div>')
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title} 邀请码</title>'
            f'<style>{SHEET_CSS}</style></head><body><h1>{title} · 邀请码 · {escape(category)}'
            f'{" · " + escape(batch.facts["label"]) if batch.facts["label"] else ""}</h1>{"".join(cards)}</body></html>')


def blueprint() -> Blueprint:
    blp = Blueprint("batches", __name__, url_prefix="",
                    description="Invitation batches (邀请码) and paper batches; issued against returned.")

    def issue(campaign_id: str, args: dict, make) -> dict:
        who, campaign = load_for_office(Campaign, campaign_id, "admin")
        on = business_date(args.pop("on", None))
        batch = make(new_id(Batch.stream_prefix), campaign, issued_by=who.subject, on=on, **args)
        repository().save(batch)
        return with_returns([batch.view()], [])[0]

    def invitation_batch(batch_id: str) -> Batch:
        _, batch = load_for_office(Batch, batch_id, "admin")
        if batch.kind != "invitation":
            raise DomainError("A paper batch has no invitation codes.", "batch_id")
        return batch

    @blp.post("/campaigns/<campaign_id>/invitation-batches")
    @blp.arguments(NewBatch)
    @blp.response(201, BatchSchema)
    def issue_invitations(args, campaign_id):
        """Issue a batch of one-time invitation codes for one respondent category (admin)."""
        return issue(campaign_id, args, Batch.issue_invitations)

    @blp.post("/campaigns/<campaign_id>/paper-batches")
    @blp.arguments(NewPaperBatch)
    @blp.response(201, BatchSchema)
    def record_paper(args, campaign_id):
        """Record a batch of paper (or phone) questionnaires handed out; clerks key the answers in (admin)."""
        return issue(campaign_id, args, Batch.record_paper)

    @blp.get("/campaigns/<campaign_id>/batches")
    @blp.response(200, BatchList)
    def list_batches(campaign_id):
        """The campaign's batches with issued against returned, over-returned ones flagged."""
        load_for_office(Campaign, campaign_id, "viewer")
        batches = repository().find(Batch.stream_prefix, {"campaign_id": campaign_id})
        responses = repository().find("response", {"campaign_id": campaign_id})
        return {"items": sorted(with_returns(batches, responses), key=lambda b: (b["issued_on"], b["id"]))}

    @blp.get("/batches/<batch_id>/invitations.csv")
    @blp.doc(responses={"200": {"description": "serial, token, url", "content": {"text/csv": {}}}})
    def export_csv(batch_id):
        """The batch's invitation codes as CSV (admin); they are derived, never stored."""
        batch = invitation_batch(batch_id)
        return Response(tokens_csv(batch), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{batch.id}.csv"', "Cache-Control": "no-store"})

    @blp.get("/batches/<batch_id>/invitations.html")
    @blp.doc(responses={"200": {"description": "printable sheet", "content": {"text/html": {}}}})
    def export_sheet(batch_id):
        """A printable sheet of the batch's invitation codes with QR codes (admin)."""
        batch = invitation_batch(batch_id)
        campaign = repository().get(Campaign, batch.campaign_id)
        # No script at all on this page; its one inline stylesheet is allowed explicitly.
        return Response(tokens_sheet(batch, campaign), mimetype="text/html", headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"})

    return blp
