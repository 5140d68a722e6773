"""Online opinions (网上征求意见): public while a campaign is open; moderated by the office.

IPs, device ids and phone numbers are kept only as keyed hashes, and never logged.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import request
from marshmallow import fields, validate

from shared.clock import business_date, cst_date, now
from shared.application import new_id
from shared.events import Schema
from shared.web.blueprint import Blueprint
from shared.web.listing import page_of_views, page_schema
from services.appraisal.api import hash_key, load_for_office, repository
from services.appraisal.api.campaigns import OrganOnForm
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.invitations import keyed_hash
from services.appraisal.domain.opinion import Opinion, Recent, assess


class NewOpinion(Schema):
    organ_id = fields.Str(validate=validate.Length(1, 100),
                          metadata={"description": "The organ it is about; omit for an opinion in general."})
    text = fields.Str(required=True, validate=validate.Length(1, 4000))
    phone = fields.Str(validate=validate.Regexp(r"^1\d{10}$", error="Not a mainland mobile number (11 digits)."),
                       metadata={"description": "Optional; kept only as a keyed hash, against duplicates."})
    device_id = fields.Str(validate=validate.Length(8, 200),
                           metadata={"description": "A random id the page keeps on the device; kept as a keyed hash."})


class OpinionReceipt(Schema):
    id = fields.Str()
    campaign_id = fields.Str()
    organ_id = fields.Str(allow_none=True)
    submitted_on = fields.Str()


class OpinionSchema(Schema):
    """An opinion as the office sees it: never who wrote it, nor the hashes kept against duplicates."""
    id = fields.Str()
    version = fields.Int()
    campaign_id = fields.Str()
    organ_id = fields.Str(allow_none=True)
    organ_name = fields.Str(allow_none=True)
    organ_category = fields.Str(allow_none=True)
    text = fields.Str()
    channel = fields.Str()
    submitted_at = fields.Str()
    submitted_on = fields.Str()
    flags = fields.List(fields.Str())
    hidden = fields.Bool()
    hidden_reason = fields.Str(allow_none=True)
    hidden_on = fields.Str(allow_none=True)


class OpinionQuery(Schema):
    organ_id = fields.Str()
    flagged = fields.Bool()
    hidden = fields.Bool()
    page = fields.Int(load_default=1, validate=validate.Range(1, 100000))
    page_size = fields.Int(load_default=50, validate=validate.Range(1, 500))


class Hide(Schema):
    reason = fields.Str(required=True, validate=validate.Length(1, 2000))
    version = fields.Int()
    on = fields.Date()


class PublicCampaign(Schema):
    """An open campaign as the public opinion page shows it: title, dates and target organs, nothing else."""
    id = fields.Str()
    title = fields.Str()
    starts_on = fields.Str(allow_none=True)
    ends_on = fields.Str(allow_none=True)
    organs = fields.List(fields.Nested(OrganOnForm))


class PublicCampaigns(Schema):
    items = fields.List(fields.Nested(PublicCampaign))


def public_campaign(view: dict) -> dict:
    return {"id": view["id"], "title": view["title"], "starts_on": view["starts_on"], "ends_on": view["ends_on"],
            "organs": [{k: t[k] for k in ("organ_id", "name", "category")} for t in view["targets"]]}


def recent_counts(campaign_id: str, hashes: dict, organ_id: str | None, since: datetime) -> Recent:
    """What the campaign already received, read from the service's own views (simple, not atomic:
    two racing opinions may both pass a limit by one, which a flag can afford)."""
    def count(where: dict, within_hour: bool = True) -> int:
        found = repository().find(Opinion.stream_prefix, {"campaign_id": campaign_id, **where})
        return sum(1 for v in found if not within_hour or datetime.fromisoformat(v["submitted_at"]) >= since)

    return Recent(
        from_ip=count({"ip_hash": hashes["ip_hash"]}),
        from_device=count({"device_hash": hashes["device_hash"]}) if hashes["device_hash"] else 0,
        about_organ=count({"organ_id": organ_id}) if organ_id else 0,
        same_phone_same_organ=count({"phone_hash": hashes["phone_hash"], "organ_id": organ_id}, within_hour=False)
        if hashes["phone_hash"] else 0,
    )


def identifier_hashes(args: dict) -> dict:
    key = hash_key()
    phone, device = args.pop("phone", None), args.pop("device_id", None)
    return {"ip_hash": keyed_hash(key, "ip", request.remote_addr or "unknown"),
            "device_hash": device and keyed_hash(key, "device", device),
            "phone_hash": phone and keyed_hash(key, "phone", phone)}


def blueprint() -> Blueprint:
    blp = Blueprint("opinions", __name__, url_prefix="",
                    description="Online opinions (网上意见): public while a campaign is open; rate-limited; moderated.")

    @blp.get("/public/campaigns")
    @blp.response(200, PublicCampaigns)
    @blp.doc(security=[])
    def public_campaigns():
        """The open campaigns with their target organs, newest first, for the public opinion page (public)."""
        found = repository().find(Campaign.stream_prefix, {"status": "open"})
        found.sort(key=lambda v: (v.get("opened_on") or "", v["id"]), reverse=True)
        return {"items": [public_campaign(v) for v in found]}

    @blp.post("/campaigns/<campaign_id>/opinions")
    @blp.arguments(NewOpinion)
    @blp.response(201, OpinionReceipt)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")  # over the campaign's limits per hour
    @blp.doc(security=[])
    def submit(args, campaign_id):
        """Give an opinion about one organ or in general (public, anonymous)."""
        campaign = repository().get(Campaign, campaign_id)
        hashes = identifier_hashes(args)
        at = now()
        recent = recent_counts(campaign.id, hashes, args.get("organ_id"), at - timedelta(hours=1))
        assessment = assess(campaign.definition["opinion_limits"], recent, has_device=bool(hashes["device_hash"]),
                            has_organ="organ_id" in args)
        opinion = Opinion.submit(new_id(Opinion.stream_prefix), campaign, at=at, on=cst_date(at),
                                 assessment=assessment, **args, **hashes)
        repository().save(opinion)
        return opinion.view()

    @blp.get("/campaigns/<campaign_id>/opinions")
    @blp.arguments(OpinionQuery, location="query")
    @blp.response(200, page_schema(OpinionSchema))
    def list_opinions(query, campaign_id):
        """The campaign's opinions for the office, newest first; filter by organ, flagged, hidden."""
        load_for_office(Campaign, campaign_id, "viewer")
        where = {"campaign_id": campaign_id}
        for key in ("organ_id", "hidden"):
            if key in query:
                where[key] = query[key]
        keep = (lambda v: bool(v["flags"]) == query["flagged"]) if "flagged" in query else None  # flags: a list
        return page_of_views(repository(), Opinion.stream_prefix, where, [("submitted_at", True)], query, keep=keep)

    @blp.post("/opinions/<opinion_id>/hide")
    @blp.arguments(Hide)
    @blp.response(200, OpinionSchema)
    def hide(args, opinion_id):
        """Hide an abusive opinion from public view (admin); its text is kept as written."""
        who, opinion = load_for_office(Opinion, opinion_id, "admin", args.get("version"))
        opinion.hide(reason=args["reason"], by=who.subject, on=business_date(args.get("on")))
        repository().save(opinion)
        return opinion.view()

    return blp
