"""Batches of questionnaires handed out: invitation tokens (online) or paper/phone forms.

An office records how many it issued; answers name their batch, so issued against returned is
known per batch, and a paper batch that returns more than it issued is flagged (an invitation
batch cannot: each token answers once).
"""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, InvalidCommand
from shared.contracts.appraisal import APPRAISAL
from services.appraisal.domain.campaign import Campaign


def over_returned(returned_before: int, issued: int) -> bool:
    """Would one more answer make the batch return more than it issued?"""
    return returned_before + 1 > issued


class Batch(Aggregate):
    """发放批次: questionnaires issued to one respondent category of one campaign."""

    stream_prefix = "batch"
    events = APPRAISAL

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.kind = ""

    @classmethod
    def issue_invitations(cls, id: str, campaign: Campaign, *, respondent_category: str, count: int,
                          issued_by: str, on: date, label: str | None = None) -> "Batch":
        cls._check(campaign, respondent_category)
        batch = cls(id)
        batch._record("InvitationBatchIssued", campaign_id=campaign.id, region=campaign.region,
                      respondent_category=respondent_category, count=count, label=label,
                      issued_by=issued_by, issued_on=on)
        return batch

    @classmethod
    def record_paper(cls, id: str, campaign: Campaign, *, respondent_category: str, count: int,
                     issued_by: str, on: date, channel: str = "paper", label: str | None = None) -> "Batch":
        cls._check(campaign, respondent_category)
        batch = cls(id)
        batch._record("PaperBatchRecorded", campaign_id=campaign.id, region=campaign.region,
                      respondent_category=respondent_category, channel=channel, count=count, label=label,
                      issued_by=issued_by, issued_on=on)
        return batch

    @staticmethod
    def _check(campaign: Campaign, respondent_category: str) -> None:
        campaign.require_not_closed("issue questionnaires")
        if not campaign.has_respondent_category(respondent_category):
            raise InvalidCommand(f"The campaign has no respondent category {respondent_category}.",
                                 "respondent_category")

    @property
    def campaign_id(self) -> str:
        return self.facts["campaign_id"]

    @property
    def count(self) -> int:
        return self.facts["count"]

    @property
    def channel(self) -> str:
        return self.facts.get("channel", "online")

    def on_InvitationBatchIssued(self, e: dict) -> None:
        self.facts, self.kind, self.region = dict(e), "invitation", e["region"]

    def on_PaperBatchRecorded(self, e: dict) -> None:
        self.facts, self.kind, self.region = dict(e), "paper", e["region"]

    def view(self) -> dict:
        return {**self.facts, "id": self.id, "version": self.version, "batch_kind": self.kind,
                "channel": self.channel}
