"""Questionnaire responses: public, with a one-time invitation code; or keyed in by clerks from paper.

Status codes of a citizen's submission:
- 201 accepted;
- 403 `invalid_invitation` — the code is malformed, forged, of an unknown batch or of a paper batch
  (one answer for all, so a guesser learns nothing);
- 409 `invitation_used` — the code was already spent (exactly one submission per code wins, even
  when many race); 409 `rule_violated` (field `campaign`) — the campaign is not open;
- 422 `invalid` — an organ not in the campaign, a dimension or level not on the questionnaire, a
  questionnaire version not open for answers; `fields` names the offending item.
"""
from __future__ import annotations

from marshmallow import fields, validate

from shared.aggregate import DomainError, NotFound
from shared.application import new_id
from shared.clock import business_date
from shared.contracts.appraisal import OrganOpinion, Rating
from shared.jsonschema import CheckedList
from shared.eventstore import ConcurrencyError
from shared.events import Schema
from shared.web.blueprint import Blueprint
from services.appraisal.api import hash_key, load_for_office, repository
from services.appraisal.api.campaigns import FormSchema, form_of
from services.appraisal.domain.batch import Batch, over_returned
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.invitations import InvalidInvitation, InvitationUsed, read_token, spent_stream_id
from services.appraisal.domain.response import Response

MAX_RATINGS = 8 * 5 * 200  # five dimensions for up to a few hundred organs


class Answers(Schema):
    questionnaire_version = fields.Int(validate=validate.Range(min=1),
                                       metadata={"description": "The version answered; default the current one."})
    # Checked as whole lists (shared/jsonschema.py): marshmallow item by item was most of a POST's CPU.
    ratings = CheckedList(Rating, load_default=list, validate=validate.Length(max=MAX_RATINGS))
    organ_opinions = CheckedList(OrganOpinion, load_default=list, validate=validate.Length(max=500))
    overall_opinion = fields.Str(validate=validate.Length(1, 4000))


class Invitation(Schema):
    token = fields.Str(required=True, validate=validate.Length(1, 200),
                       metadata={"description": "The one-time invitation code (邀请码)."})


class TokenAnswers(Answers, Invitation):
    pass


class KeyedIn(Answers):
    on = fields.Date(metadata={"description": "The date written on the form; default today."})


class Receipt(Schema):
    campaign_id = fields.Str()
    questionnaire_version = fields.Int()
    submitted_on = fields.Str()
    flags = fields.List(fields.Str())


class InvitationForm(FormSchema):
    respondent_category = fields.Str()
    used = fields.Bool()


def invited_batch(token: str) -> Batch:
    """The invitation batch a genuine code belongs to; 403 for anything else."""
    batch_id, serial = read_token(hash_key(), token)
    try:
        batch = repository().get(Batch, batch_id)
    except NotFound:
        raise InvalidInvitation() from None
    if batch.kind != "invitation" or serial > batch.count:
        raise InvalidInvitation()
    return batch


def is_spent(stream: str) -> bool:
    return bool(repository().store.read_stream(stream))


def blueprint() -> Blueprint:
    blp = Blueprint("responses", __name__, url_prefix="",
                    description="Questionnaire answers (问卷测评): online with an invitation code, or keyed in from paper.")

    @blp.post("/invitations/form")
    @blp.arguments(Invitation)
    @blp.response(200, InvitationForm)
    @blp.doc(security=[])
    def invitation_form(args):
        """The questionnaire an invitation code opens, and whether the code is used (public)."""
        batch = invited_batch(args["token"])
        form = form_of(repository().get(Campaign, batch.campaign_id))
        return {**form, "respondent_category": batch.facts["respondent_category"],
                "used": is_spent(spent_stream_id(hash_key(), args["token"]))}

    @blp.post("/responses")
    @blp.arguments(TokenAnswers)
    @blp.response(201, Receipt)
    @blp.doc(security=[])
    def submit(args):
        """Answer the questionnaire with a one-time invitation code (public, anonymous)."""
        token = args.pop("token")
        batch = invited_batch(token)
        stream = spent_stream_id(hash_key(), token)
        if is_spent(stream):
            raise InvitationUsed()
        campaign = repository().get(Campaign, batch.campaign_id)
        response = Response.submit(stream, campaign, batch, on=business_date(None), **args)
        try:
            repository().save(response)  # appends at version 0: of racing submissions exactly one wins
        except ConcurrencyError:
            raise InvitationUsed() from None
        return response.view()

    @blp.post("/batches/<batch_id>/responses")
    @blp.arguments(KeyedIn)
    @blp.response(201, Receipt)
    def key_in(args, batch_id):
        """Key in one paper (or phone) questionnaire of a batch (clerk); over-returned batches are flagged."""
        _, batch = load_for_office(Batch, batch_id, "clerk")
        if batch.kind != "paper":
            raise DomainError("Invitation batches are answered online with their codes, not keyed in.", "batch_id")
        on = business_date(args.pop("on", None))
        returned = len(repository().find(Response.stream_prefix, {"batch_id": batch.id}))
        flags = ["batch_over_returned"] if over_returned(returned, batch.count) else []
        campaign = repository().get(Campaign, batch.campaign_id)
        response = Response.submit(new_id(Response.stream_prefix), campaign, batch, on=on, flags=flags, **args)
        repository().save(response)
        return response.view()

    return blp
