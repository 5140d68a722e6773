"""A questionnaire response (问卷): one anonymous respondent's ratings of some of the campaign's organs.

Checked against the campaign and the questionnaire version it answers: the campaign must be
open, every organ a target of the campaign, every dimension and level on that version.
"""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, InvalidCommand
from shared.contracts.appraisal import APPRAISAL, ratings_by_organ
from services.appraisal.domain.batch import Batch
from services.appraisal.domain.campaign import Campaign


class Response(Aggregate):
    """问卷答卷: never says who answered; its stream id comes from the invitation token, if any."""

    stream_prefix = "response"
    events = APPRAISAL

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}

    @classmethod
    def submit(cls, id: str, campaign: Campaign, batch: Batch, *, ratings: list[dict], on: date,
               organ_opinions: list[dict] | None = None, overall_opinion: str | None = None,
               questionnaire_version: int | None = None, flags: list[str] | None = None) -> "Response":
        campaign.require_open()
        if batch.campaign_id != campaign.id:
            raise InvalidCommand("The batch belongs to another campaign.", "batch_id")
        version = questionnaire_version or campaign.latest_version
        if version not in campaign.answerable_versions():
            raise InvalidCommand(f"Version {version} of the questionnaire is not open for answers "
                                 f"(open: {campaign.answerable_versions()}).", "questionnaire_version")
        questionnaire = campaign.questionnaire(version)
        organ_opinions = organ_opinions or []
        _check_ratings(campaign, questionnaire, ratings)
        _check_opinions(campaign, questionnaire, organ_opinions, overall_opinion)
        if not ratings and not organ_opinions and not overall_opinion:
            raise InvalidCommand("The questionnaire is empty: rate at least one organ or give an opinion.",
                                 "ratings")
        response = cls(id)
        response._record("QuestionnaireSubmitted", campaign_id=campaign.id, region=campaign.region,
                         questionnaire_version=version, batch_id=batch.id,
                         respondent_category=batch.facts["respondent_category"], channel=batch.channel,
                         ratings=ratings_by_organ(ratings), organ_opinions=organ_opinions,
                         overall_opinion=overall_opinion, submitted_on=on, flags=flags or [])
        return response

    def on_QuestionnaireSubmitted(self, e: dict) -> None:
        self.facts, self.region = dict(e), e["region"]

    def view(self) -> dict:
        # Lists only what the office's counts need; the ratings travel in the event to reporting.
        keep = ("campaign_id", "region", "questionnaire_version", "batch_id", "respondent_category", "channel",
                "submitted_on", "flags")
        return {k: self.facts[k] for k in keep}


def _check_ratings(campaign: Campaign, questionnaire: dict, ratings: list[dict]) -> None:
    dimensions = {d["code"] for d in questionnaire["dimensions"]}
    levels = {level["code"] for level in questionnaire["levels"]}
    targets = {t["organ_id"] for t in campaign.definition["targets"]}  # a set: ~200 ratings × ~40 targets
    seen = set()
    for i, rating in enumerate(ratings):
        if rating["organ_id"] not in targets:
            raise InvalidCommand(f"Organ {rating['organ_id']} is not appraised in this campaign.",
                                 f"ratings.{i}.organ_id")
        if rating["dimension"] not in dimensions:
            raise InvalidCommand(f"{rating['dimension']} is not a dimension of this questionnaire.",
                                 f"ratings.{i}.dimension")
        if rating["level"] not in levels:
            raise InvalidCommand(f"{rating['level']} is not on the scale ({', '.join(sorted(levels))}).",
                                 f"ratings.{i}.level")
        key = (rating["organ_id"], rating["dimension"])
        if key in seen:
            raise InvalidCommand(f"Organ {key[0]} is rated twice on {key[1]}.", f"ratings.{i}")
        seen.add(key)


def _check_opinions(campaign: Campaign, questionnaire: dict, organ_opinions: list[dict],
                    overall_opinion: str | None) -> None:
    if organ_opinions and not questionnaire["organ_opinion"]:
        raise InvalidCommand("This questionnaire does not ask for opinions per organ.", "organ_opinions")
    if overall_opinion and not questionnaire["overall_opinion"]:
        raise InvalidCommand("This questionnaire does not ask for an overall opinion.", "overall_opinion")
    seen = set()
    for i, opinion in enumerate(organ_opinions):
        if campaign.target(opinion["organ_id"]) is None:
            raise InvalidCommand(f"Organ {opinion['organ_id']} is not appraised in this campaign.",
                                 f"organ_opinions.{i}.organ_id")
        if opinion["organ_id"] in seen:
            raise InvalidCommand(f"Two opinions on organ {opinion['organ_id']}; write them as one.",
                                 f"organ_opinions.{i}.organ_id")
        seen.add(opinion["organ_id"])
