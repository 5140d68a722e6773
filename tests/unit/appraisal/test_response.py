"""Questionnaire submissions: what they carry, and every rule that rejects one."""
import pytest

from shared.aggregate import DomainError, InvalidCommand
from shared.contracts.appraisal import APPRAISAL, DIMENSIONS, OrganRatings
from shared.events import InvalidPayload
from services.appraisal.domain.batch import Batch, over_returned
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.response import Response
from tests.unit.appraisal.support import DAY, definition, draft, invitation_batch, opened, paper_batch

RATING = {"organ_id": "traffic", "dimension": "work_quality", "level": "basically_satisfied"}


def submit(campaign, batch=None, **answers):
    batch = batch or invitation_batch(campaign)
    answers.setdefault("ratings", [RATING])
    return Response.submit("response-1", campaign, batch, on=DAY, **answers)


def test_a_submission_carries_everything_the_reports_need():
    campaign = opened()
    response = submit(campaign, paper_batch(campaign), organ_opinions=[{"organ_id": "court", "text": "立案快"}],
                      overall_opinion="总体不错", flags=["batch_over_returned"])
    (kind, payload), = response.pending
    assert kind == "QuestionnaireSubmitted"
    assert payload == {"campaign_id": campaign.id, "region": "360700", "questionnaire_version": 1,
                       "batch_id": "batch-00000000000000bb", "respondent_category": "farmer_or_resident",
                       "channel": "paper",
                       "ratings": [{"organ_id": "traffic", "work_quality": "basically_satisfied"}],
                       "organ_opinions": [{"organ_id": "court", "text": "立案快"}],
                       "overall_opinion": "总体不错", "submitted_on": "2026-05-20", "flags": ["batch_over_returned"]}


def test_the_event_carries_one_row_per_organ_in_the_order_answered():
    campaign = opened()
    answers = [{"organ_id": "court", "dimension": "work_quality", "level": "satisfied"},
               {"organ_id": "traffic", "dimension": "organ_image", "level": "unknown"},
               {"organ_id": "court", "dimension": "cadre_conduct", "level": "dissatisfied"}]
    assert submit(campaign, ratings=answers).pending[0][1]["ratings"] == [
        {"organ_id": "court", "work_quality": "satisfied", "cadre_conduct": "dissatisfied"},
        {"organ_id": "traffic", "organ_image": "unknown"}]


def test_a_v1_questionnaire_reads_as_v2():
    v1 = {"campaign_id": "campaign-1", "region": "360700", "questionnaire_version": 1, "batch_id": "batch-1",
          "respondent_category": "retiree", "channel": "online", "organ_opinions": [], "overall_opinion": None,
          "submitted_on": "2026-05-20", "flags": [],
          "ratings": [{"organ_id": "court", "dimension": "work_quality", "level": "satisfied"},
                      {"organ_id": "court", "dimension": "organ_image", "level": "basically_satisfied"},
                      {"organ_id": "traffic", "dimension": "work_quality", "level": "unknown"}]}
    assert APPRAISAL.decode("QuestionnaireSubmitted", 1, v1) == {**v1, "ratings": [
        {"organ_id": "court", "work_quality": "satisfied", "organ_image": "basically_satisfied"},
        {"organ_id": "traffic", "work_quality": "unknown"}]}


@pytest.mark.parametrize("ratings", [None, [{"organ_id": "court"}], ["court"], "court"])
def test_a_v1_questionnaire_that_cannot_be_upcast_is_refused_as_invalid(ratings):
    with pytest.raises(InvalidPayload, match="not a valid v1 payload"):
        APPRAISAL.decode("QuestionnaireSubmitted", 1, {"campaign_id": "campaign-1", "ratings": ratings})


def test_an_organs_row_names_every_dimension_and_nothing_else():
    assert set(OrganRatings._declared_fields) == {"organ_id", *DIMENSIONS}


def test_an_answer_is_tied_to_the_version_it_answered():
    campaign = opened()
    campaign.revise_questionnaire({"instructions": "第二版"}, DAY)
    assert submit(campaign).pending[0][1]["questionnaire_version"] == 2
    assert submit(campaign, questionnaire_version=1).pending[0][1]["questionnaire_version"] == 1


def test_only_an_open_campaign_takes_answers():
    campaign = draft()
    batch = invitation_batch(campaign)
    with pytest.raises(DomainError) as raised:
        submit(campaign, batch)
    assert (raised.value.status, raised.value.field) == (409, "campaign")
    campaign.open(DAY)
    campaign.close(DAY)
    with pytest.raises(DomainError, match="closed"):
        submit(campaign, batch)


@pytest.mark.parametrize("answers, field", [
    ({"ratings": [{**RATING, "organ_id": "tax"}]}, "ratings.0.organ_id"),
    ({"ratings": [RATING, {**RATING, "level": "very_satisfied"}]}, "ratings.1.level"),
    ({"ratings": [{**RATING, "dimension": "efficiency"}]}, "ratings.0.dimension"),
    ({"ratings": [RATING, RATING]}, "ratings.1"),
    ({"ratings": []}, "ratings"),
    ({"organ_opinions": [{"organ_id": "tax", "text": "x"}]}, "organ_opinions.0.organ_id"),
    ({"questionnaire_version": 7}, "questionnaire_version"),
])
def test_answers_off_the_questionnaire_are_refused(answers, field):
    with pytest.raises(InvalidCommand) as raised:
        submit(opened(), **answers)
    assert (raised.value.status, raised.value.field) == (422, field)


def test_opinions_the_questionnaire_does_not_ask_for_are_refused():
    campaign = opened()
    campaign.revise_questionnaire({"organ_opinion": False, "overall_opinion": False}, DAY)
    with pytest.raises(InvalidCommand, match="per organ"):
        submit(campaign, organ_opinions=[{"organ_id": "court", "text": "x"}])
    with pytest.raises(InvalidCommand, match="overall"):
        submit(campaign, overall_opinion="x")


def test_a_batch_answers_only_its_own_campaign_and_categories():
    campaign = opened()
    other = Campaign.draft("campaign-0000000000000002", definition=definition(), questionnaire=None,
                           created_by="office", created_on=DAY)
    with pytest.raises(InvalidCommand, match="another campaign"):
        submit(campaign, invitation_batch(other))
    with pytest.raises(InvalidCommand) as raised:
        invitation_batch(campaign, category="military")
    assert raised.value.field == "respondent_category"
    campaign.close(DAY)
    with pytest.raises(DomainError, match="closed"):
        paper_batch(campaign)


def test_a_batch_returning_more_than_it_issued_is_over_returned():
    assert not over_returned(returned_before=4, issued=5)
    assert over_returned(returned_before=5, issued=5)
    batch = paper_batch(opened(), count=5)
    assert isinstance(batch, Batch) and (batch.kind, batch.channel, batch.count) == ("paper", "paper", 5)
