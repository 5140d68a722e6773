"""Campaigns (评议活动): drafted, amended, opened, sealed and closed by an office; their form is public."""
from __future__ import annotations

from marshmallow import fields, validate

from shared.aggregate import NotFound
from shared.application import new_id
from shared.clock import business_date
from shared.contracts.appraisal import (CAMPAIGN_STATUSES, OpinionLimits, Questionnaire, RespondentGroup,
                                        Scoring, Target)
from shared.events import Schema
from shared.web.auth import caller, require_region
from shared.web.blueprint import Blueprint
from shared.web.listing import ListQuery, page_of_views, page_schema, region_filter
from services.appraisal.api import load_for_office, repository
from services.appraisal.domain.campaign import Campaign


class Step(Schema):
    version = fields.Int(metadata={"description": "The version you read; a stale one gets 409."})
    on = fields.Date(metadata={"description": "Business date (China Standard Time); default today."})


# Named subclasses, so the OpenAPI document tells the partial inputs from the full outputs.
class ScoringChanges(Scoring):
    """Scoring settings to change; those omitted take the defaults."""


class OpinionLimitChanges(OpinionLimits):
    """Opinion limits to change; those omitted take the defaults."""


class QuestionnaireText(Questionnaire):
    """A questionnaire's content; its version number is assigned by the service."""

    class Meta:
        exclude = ("version",)


class Definition(Schema):
    title = fields.Str(required=True, validate=validate.Length(1, 200))
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    targets = fields.List(fields.Nested(Target), load_default=list,
                          metadata={"description": "Target organs (评议对象)."})
    respondent_categories = fields.List(fields.Nested(RespondentGroup), load_default=list,
                                        metadata={"description": "Respondent categories (参评人员) with quotas and optional weights."})
    scoring = fields.Nested(ScoringChanges(partial=True), metadata={"description": "Omitted settings take the defaults."})
    opinion_limits = fields.Nested(OpinionLimitChanges(partial=True))


QuestionnaireIn = QuestionnaireText(partial=True)


class NewCampaign(Definition):
    region = fields.Str(validate=validate.Regexp(r"^\d{6}$"),
                        metadata={"description": "The office's region; default the caller's."})
    questionnaire = fields.Nested(QuestionnaireIn, metadata={"description": "Default: the five dimensions and the four-level scale."})
    on = fields.Date()


class Amendment(Definition, Step):
    pass


class Revision(Step):
    questionnaire = fields.Nested(QuestionnaireIn, required=True)
    reason = fields.Str(validate=validate.Length(1, 2000))


class Seal(Step):
    reason = fields.Str(validate=validate.Length(1, 2000))


class CampaignSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    status = fields.Str()
    sealed = fields.Bool()
    title = fields.Str()
    region = fields.Str()
    starts_on = fields.Str(allow_none=True)
    ends_on = fields.Str(allow_none=True)
    targets = fields.List(fields.Nested(Target))
    respondent_categories = fields.List(fields.Nested(RespondentGroup))
    scoring = fields.Nested(Scoring)
    opinion_limits = fields.Nested(OpinionLimits)
    questionnaire = fields.Nested(Questionnaire)
    answerable_versions = fields.List(fields.Int())
    created_on = fields.Str(allow_none=True)
    opened_on = fields.Str(allow_none=True)
    sealed_on = fields.Str(allow_none=True)
    closed_on = fields.Str(allow_none=True)


class CampaignQuery(ListQuery):
    status = fields.Str(validate=validate.OneOf(list(CAMPAIGN_STATUSES)))


class OrganOnForm(Schema):
    organ_id = fields.Str()
    name = fields.Str()
    category = fields.Str()


class FormQuery(Schema):
    version = fields.Int(validate=validate.Range(min=1))


class FormSchema(Schema):
    """What a respondent sees: the organs and the questionnaire, nothing about results."""
    campaign_id = fields.Str()
    title = fields.Str()
    organs = fields.List(fields.Nested(OrganOnForm))
    questionnaire = fields.Nested(Questionnaire)


def form_of(campaign: Campaign, version: int | None = None) -> dict:
    campaign.require_open()
    if version is not None and version not in campaign.answerable_versions():
        raise NotFound(f"Version {version} of the questionnaire is not open for answers.")
    organs = [{k: t[k] for k in ("organ_id", "name", "category")} for t in campaign.definition["targets"]]
    return {"campaign_id": campaign.id, "title": campaign.definition["title"], "organs": organs,
            "questionnaire": campaign.questionnaire(version)}


def blueprint() -> Blueprint:
    blp = Blueprint("campaigns", __name__, url_prefix="/campaigns",
                    description="Appraisal campaigns (评议活动): targets, respondents, scoring, questionnaire versions.")

    def step(campaign_id: str, args: dict, action) -> dict:
        _, campaign = load_for_office(Campaign, campaign_id, "admin", args.pop("version", None))
        action(campaign, business_date(args.pop("on", None)))
        repository().save(campaign)
        return campaign.view()

    @blp.post("")
    @blp.arguments(NewCampaign)
    @blp.response(201, CampaignSchema)
    def create(args):
        """Draft a campaign (admin); settings not given take the defaults."""
        who = caller("admin")
        args.setdefault("region", who.region)
        require_region(who, args["region"])
        on = business_date(args.pop("on", None))
        questionnaire = args.pop("questionnaire", None)
        campaign = Campaign.draft(new_id(Campaign.stream_prefix), definition=args, questionnaire=questionnaire,
                                  created_by=who.subject, created_on=on)
        repository().save(campaign)
        return campaign.view()

    @blp.get("")
    @blp.arguments(CampaignQuery, location="query")
    @blp.response(200, page_schema(CampaignSchema))
    def list_campaigns(query):
        """Campaigns in the caller's jurisdiction, newest first."""
        who = caller("viewer")
        where = {"region": region_filter(who, query.get("region"))}
        if "status" in query:
            where["status"] = query["status"]
        return page_of_views(repository(), Campaign.stream_prefix, where, [("created_on", True)], query)

    @blp.get("/<campaign_id>")
    @blp.response(200, CampaignSchema)
    def get(campaign_id):
        """One campaign with its whole definition and current questionnaire."""
        who = caller("viewer")
        view = repository().view(campaign_id)
        if view.get("_kind") != Campaign.stream_prefix:
                raise NotFound(f"no campaign {campaign_id}")
        require_region(who, view["region"])
        return view

    @blp.put("/<campaign_id>")
    @blp.arguments(Amendment)
    @blp.response(200, CampaignSchema)
    def amend(args, campaign_id):
        """Replace a draft's definition (admin); only before it opens."""
        return step(campaign_id, args, lambda c, on: c.amend(args, on))

    @blp.post("/<campaign_id>/questionnaire")
    @blp.arguments(Revision)
    @blp.response(200, CampaignSchema)
    def revise(args, campaign_id):
        """A new questionnaire version (admin); answers already given keep theirs."""
        return step(campaign_id, args, lambda c, on: c.revise_questionnaire(args["questionnaire"], on,
                                                                            args.get("reason")))

    @blp.post("/<campaign_id>/open")
    @blp.arguments(Step)
    @blp.response(200, CampaignSchema)
    def open_(args, campaign_id):
        """Open for answers (admin): the definition and questionnaire version are frozen."""
        return step(campaign_id, args, lambda c, on: c.open(on))

    @blp.post("/<campaign_id>/seal")
    @blp.arguments(Seal)
    @blp.response(200, CampaignSchema)
    def seal(args, campaign_id):
        """Seal the open campaign's results until it closes (admin): reports show no scores."""
        return step(campaign_id, args, lambda c, on: c.seal(on, args.get("reason")))

    @blp.post("/<campaign_id>/close")
    @blp.arguments(Step)
    @blp.response(200, CampaignSchema)
    def close(args, campaign_id):
        """Close the campaign (admin): no more answers or opinions; lifts a seal."""
        return step(campaign_id, args, lambda c, on: c.close(on))

    @blp.get("/<campaign_id>/form")
    @blp.arguments(FormQuery, location="query")
    @blp.response(200, FormSchema)
    @blp.doc(security=[])
    def form(query, campaign_id):
        """The questionnaire of an open campaign, for respondents (public)."""
        return form_of(repository().get(Campaign, campaign_id), query.get("version"))

    return blp
