"""Campaign life, definition checks, questionnaire versions and their freezing."""
import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.appraisal.domain.campaign import Campaign, DEFAULT_SCORING
from tests.unit.appraisal.support import DAY, definition, draft, opened, recorded_types, repository


def test_a_draft_carries_every_setting_with_the_defaults():
    campaign = draft(scoring={"bottom_n": 5, "level_points": {"basically_satisfied": 75}})
    (_, payload), = campaign.pending
    scoring = payload["scoring"]
    assert scoring["bottom_n"] == 5 and scoring["min_valid_n"] == 30 and scoring["unknown_is_valid"] is False
    assert scoring["level_points"] == {"satisfied": 100, "basically_satisfied": 75, "dissatisfied": 0, "unknown": 0}
    assert [b["min_score"] for b in scoring["grade_bands"]] == [85, 75, 60, 0]
    assert {w["weight"] for w in scoring["dimension_weights"]} == {1} and len(scoring["dimension_weights"]) == 5
    assert payload["opinion_limits"]["over_limit"] == "flag"
    assert payload["questionnaire"]["version"] == 1
    assert [d["code"] for d in payload["questionnaire"]["dimensions"]] == [
        "serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image"]
    assert campaign.status == "draft" and campaign.region == "360700"


def test_life_draft_open_sealed_closed():
    campaign = opened()
    campaign.seal(DAY, "年中不公开")
    assert campaign.sealed
    with pytest.raises(DomainError, match="already sealed"):
        campaign.seal(DAY)
    campaign.close(DAY)
    assert (campaign.status, campaign.sealed) == ("closed", False)
    assert recorded_types(campaign) == ["CampaignDrafted", "CampaignOpened", "CampaignSealed", "CampaignClosed"]
    for action in (lambda: campaign.open(DAY), lambda: campaign.close(DAY), lambda: campaign.seal(DAY),
                   lambda: campaign.amend(definition(), DAY)):
        with pytest.raises(DomainError):
            action()


def test_a_draft_cannot_be_sealed_and_an_empty_one_cannot_open():
    with pytest.raises(DomainError):
        draft().seal(DAY)
    with pytest.raises(DomainError) as raised:
        draft(targets=[]).open(DAY)
    assert raised.value.field == "targets"


def test_amending_is_for_drafts_only_and_replaces_the_definition():
    campaign = draft()
    campaign.amend(definition(title="改名", targets=definition()["targets"][:1]), DAY)
    assert campaign.definition["title"] == "改名" and len(campaign.definition["targets"]) == 1
    campaign.open(DAY)
    with pytest.raises(DomainError):
        campaign.amend(definition(), DAY)


def test_the_questionnaire_freezes_at_opening_and_later_changes_are_new_versions():
    campaign = draft()
    campaign.revise_questionnaire({"instructions": "请如实填写"}, DAY)
    assert [q["version"] for q in campaign.questionnaires] == [2]  # a draft's versions were never answered
    campaign.open(DAY)
    assert campaign.answerable_versions() == [2]
    campaign.revise_questionnaire({"instructions": "新说明", "organ_opinion": False}, DAY, reason="简化")
    assert campaign.answerable_versions() == [2, 3]
    assert campaign.questionnaire(2)["instructions"] == "请如实填写" and campaign.questionnaire(2)["organ_opinion"]
    assert campaign.questionnaire()["version"] == 3 and not campaign.questionnaire()["organ_opinion"]
    opening = dict(campaign.pending)["CampaignOpened"]
    assert opening["questionnaire"]["version"] == 2 and opening["targets"] == definition()["targets"]
    campaign.close(DAY)
    with pytest.raises(DomainError):
        campaign.revise_questionnaire({}, DAY)


@pytest.mark.parametrize("questionnaire, field", [
    ({"dimensions": [{"code": "work_quality", "name": "工作质量"}]}, "questionnaire.dimensions"),
    ({"levels": [{"code": "satisfied", "name": "满意"}, {"code": "dissatisfied", "name": "不满意"}]},
     "questionnaire.levels"),
])
def test_a_questionnaire_asks_the_five_dimensions_on_the_four_level_scale(questionnaire, field):
    with pytest.raises(InvalidCommand) as raised:
        draft().revise_questionnaire(questionnaire, DAY)
    assert raised.value.field == field


@pytest.mark.parametrize("changes, field", [
    ({"targets": [definition()["targets"][0]] * 2}, "targets.1.organ_id"),
    ({"targets": [{"organ_id": "x", "name": "外市单位", "category": "court", "region": "360802"}]}, "targets.0.region"),
    ({"respondent_categories": [{"category": "npc_deputy", "weight": 2}, {"category": "retiree"}]},
     "respondent_categories"),
    ({"respondent_categories": [{"category": "npc_deputy"}, {"category": "npc_deputy"}]}, "respondent_categories"),
    ({"scoring": {"level_points": {"dissatisfied": 90}}}, "scoring.level_points"),
    ({"scoring": {"grade_bands": [{"grade": "satisfied", "name": "满意", "min_score": 80}]}}, "scoring.grade_bands"),
    ({"scoring": {"dimension_weights": [{"dimension": "work_quality", "weight": 2}]}}, "scoring.dimension_weights"),
    ({"starts_on": "2026-06-01", "ends_on": "2026-05-01"}, "ends_on"),
])
def test_a_definition_that_cannot_be_scored_is_refused(changes, field):
    with pytest.raises(InvalidCommand) as raised:
        draft(**changes)
    assert raised.value.field == field


def test_rebuilt_from_its_stream_it_is_the_same_campaign():
    repo = repository()
    campaign = opened(respondent_categories=[{"category": "npc_deputy", "weight": 3},
                                             {"category": "retiree", "weight": 1}])
    campaign.revise_questionnaire({"title": "第二版"}, DAY)
    campaign.seal(DAY)
    repo.save(campaign)
    again = repo.get(Campaign, campaign.id)
    assert again.view() == campaign.view()
    assert again.answerable_versions() == [1, 2] and again.sealed and again.version == 4
    assert repo.view(campaign.id)["status"] == "open"
