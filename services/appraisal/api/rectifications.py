"""Rectification (整改): what citizens raised becomes a problem on the shared ledger (问题台账).

An opinion (source "opinion") or an organ's low-rated dimension (source "questionnaire") is
registered and, when a responsible person and deadline are given, assigned to the organ at once;
from there it lives on `/problems` like every ledger entry, ending in ProblemResolved.
"""
from __future__ import annotations

from marshmallow import fields, validate

from shared.aggregate import DomainError, InvalidCommand
from shared.clock import business_date
from shared.contracts.appraisal import DIMENSIONS
from shared.ledger.api import ProblemSchema, raise_problem, with_overdue
from shared.ledger.events import CATEGORIES
from shared.events import Schema
from shared.web.blueprint import Blueprint
from services.appraisal.api import load_for_office, repository
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.opinion import Opinion


class Rectification(Schema):
    category = fields.Str(required=True, validate=validate.OneOf(list(CATEGORIES)))
    responsible_person = fields.Str(validate=validate.Length(1, 100),
                                    metadata={"description": "With `deadline`: assign to the organ at once (交办)."})
    deadline = fields.Date()
    measures = fields.Str(validate=validate.Length(1, 4000))
    on = fields.Date()


class FromOpinion(Rectification):
    description = fields.Str(validate=validate.Length(1, 4000), metadata={"description": "Default: the opinion's text."})


class FromDimension(Rectification):
    organ_id = fields.Str(required=True, validate=validate.Length(1, 100))
    dimension = fields.Str(required=True, validate=validate.OneOf(list(DIMENSIONS)))
    description = fields.Str(required=True, validate=validate.Length(1, 4000))


def check_referral(args: dict, organ: dict | None, on) -> dict | None:
    """The referral to make right after registering, checked first so a rejected request stores nothing."""
    given = [k for k in ("responsible_person", "deadline") if k in args]
    if not given:
        return None
    if len(given) == 1:
        raise InvalidCommand("Give both the responsible person and the deadline, or neither.",
                             "deadline" if "deadline" not in args else "responsible_person")
    if organ is None:
        raise InvalidCommand("An opinion about no organ is assigned through /problems/<id>/referral.",
                             "responsible_person")
    if args["deadline"] < on:
        raise InvalidCommand("The deadline is before the assignment date.", "deadline")
    return {"unit_id": organ["organ_id"], "unit_name": organ["name"], "responsible_person": args["responsible_person"],
            "deadline": args["deadline"], "measures": args.get("measures"), "referred_on": on}


def register(who, *, source: str, source_ref: str, organ: dict | None, region: str, args: dict) -> dict:
    on = business_date(args.get("on"))
    referral = check_referral(args, organ, on)
    if repository().find("problem", {"source_ref": source_ref}):
        raise DomainError(f"This is already on the problem ledger ({source_ref}).", "source_ref")
    problem = raise_problem(repository(), source=source, category=args["category"], description=args["description"],
                            region=organ["region"] if organ else region, on=on, source_ref=source_ref,
                            organ_id=organ and organ["organ_id"], raised_by=who.subject)
    if referral:
        problem.refer(**referral)
        repository().save(problem)
    return with_overdue(problem.view())


def blueprint() -> Blueprint:
    blp = Blueprint("rectifications", __name__, url_prefix="",
                    description="Turn opinions and low-rated dimensions into problems on the ledger (整改).")

    @blp.post("/opinions/<opinion_id>/problem")
    @blp.arguments(FromOpinion)
    @blp.response(201, ProblemSchema)
    def from_opinion(args, opinion_id):
        """Register an opinion as a problem (source "opinion"), assigned to its organ if a deadline is given (clerk)."""
        who, opinion = load_for_office(Opinion, opinion_id, "clerk")
        campaign = repository().get(Campaign, opinion.facts["campaign_id"])
        organ = campaign.target(opinion.facts["organ_id"]) if opinion.facts["organ_id"] else None
        args.setdefault("description", opinion.facts["text"])
        return register(who, source="opinion", source_ref=opinion.id, organ=organ, region=campaign.region, args=args)

    @blp.post("/campaigns/<campaign_id>/rectifications")
    @blp.arguments(FromDimension)
    @blp.response(201, ProblemSchema)
    def from_dimension(args, campaign_id):
        """Register an organ's low-rated dimension as a problem (source "questionnaire") (clerk)."""
        who, campaign = load_for_office(Campaign, campaign_id, "clerk")
        if campaign.status == "draft":
            raise DomainError("The campaign has not opened: nothing was rated yet.", "campaign")
        organ = campaign.target(args["organ_id"])
        if organ is None:
            raise InvalidCommand(f"Organ {args['organ_id']} is not appraised in this campaign.", "organ_id")
        source_ref = f"{campaign.id}/{organ['organ_id']}/{args['dimension']}"
        return register(who, source="questionnaire", source_ref=source_ref, organ=organ, region=campaign.region,
                        args=args)

    return blp
