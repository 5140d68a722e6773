"""Rows from the appraisal service's events (topic `shuangwan.appraisal`), one per record.

No row keeps who answered: responses keep their category, channel and ratings; opinions keep
their text, organ and flags, never the keyed hashes of IP, device or phone.
"""
from __future__ import annotations

from services.reporting.projections.visits import _ByType
from shared.envelope import Recorded, office_of


class _Appraisal(_ByType):
    family = "appraisal"


class Campaigns(_Appraisal):
    """评议活动: its definition (targets, categories, scoring), status and seal.

    The definition a campaign is scored by is the one CampaignOpened carries; drafts carry theirs
    so that a draft can be listed.
    """
    collection = "campaigns"

    def evolve(self, row: dict | None, event: Recorded) -> dict:
        # (and the office whose appraisal service runs it, so a page can send the office there)
        return {**super().evolve(row, event), "office": office_of(event.source)}

    def _definition(self, row: dict, e: dict) -> dict:
        return {**row, "title": e["title"], "region": e["region"], "starts_on": e["starts_on"],
                "ends_on": e["ends_on"], "targets": e["targets"], "respondent_categories": e["respondent_categories"],
                "scoring": e["scoring"], "questionnaire_version": e["questionnaire"]["version"]}

    def on_CampaignDrafted(self, row: dict, e: dict) -> dict:
        return {**self._definition(row, e), "status": "draft", "sealed": False, "created_on": e["created_on"],
                "opened_on": None, "closed_on": None}

    def on_CampaignAmended(self, row: dict, e: dict) -> dict:
        return self._definition(row, e)

    def on_QuestionnaireRevised(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "questionnaire_version": e["questionnaire"]["version"]}

    def on_CampaignOpened(self, row: dict, e: dict) -> dict:
        return {**self._definition(row, e), "status": "open", "opened_on": e["opened_on"]}

    def on_CampaignSealed(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "sealed": True, "sealed_on": e["sealed_on"]}

    def on_CampaignClosed(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "status": "closed", "sealed": False, "closed_on": e["closed_on"]}


class Batches(_Appraisal):
    """Invitation batches (online) and paper/phone batches: how many questionnaires went out."""
    collection = "batches"

    def on_InvitationBatchIssued(self, row: dict, e: dict) -> dict:
        return {**row, "campaign_id": e["campaign_id"], "region": e["region"], "channel": "online",
                "respondent_category": e["respondent_category"], "issued": e["count"], "label": e["label"],
                "issued_on": e["issued_on"]}

    def on_PaperBatchRecorded(self, row: dict, e: dict) -> dict:
        return {**self.on_InvitationBatchIssued(row, e), "channel": e["channel"]}


class Responses(_Appraisal):
    """问卷: one anonymous submission, its ratings and the opinions written on it."""
    collection = "responses"

    def on_QuestionnaireSubmitted(self, row: dict, e: dict) -> dict:
        return {**row, "campaign_id": e["campaign_id"], "region": e["region"], "batch_id": e["batch_id"],
                "respondent_category": e["respondent_category"], "channel": e["channel"],
                "questionnaire_version": e["questionnaire_version"], "submitted_on": e["submitted_on"],
                "ratings": e["ratings"],  # one object per organ, its level on each dimension rated
                "organ_opinions": e["organ_opinions"], "overall_opinion": e["overall_opinion"],
                "flags": e["flags"]}


class Opinions(_Appraisal):
    """网上意见: text and organ, flags, and whether moderation hid it."""
    collection = "opinions"

    def on_OpinionSubmitted(self, row: dict, e: dict) -> dict:
        return {**row, "campaign_id": e["campaign_id"], "region": e["region"], "organ_id": e["organ_id"],
                "organ_name": e["organ_name"], "text": e["text"], "channel": e["channel"],
                "submitted_on": e["submitted_on"], "flags": e["flags"], "hidden": row.get("hidden", False)}

    def on_OpinionHidden(self, row: dict, e: dict) -> dict:
        return {**row, "campaign_id": e["campaign_id"], "region": e["region"], "hidden": True,
                "hidden_on": e["hidden_on"]}


PROJECTIONS = [Campaigns(), Batches(), Responses(), Opinions()]
