"""Builders for the appraisal domain tests: a campaign, a batch, a repository on in-memory fakes."""
from __future__ import annotations

from datetime import date

from shared.application import EventSourcedRepository
from shared.contracts.appraisal import APPRAISAL
from shared.eventstore.memory import MemoryEventStore
from shared.ledger import Problem
from shared.projections.memory import MemoryProjectionStore
from services.appraisal.domain.batch import Batch
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.opinion import Opinion
from services.appraisal.domain.response import Response

DAY = date(2026, 5, 20)
TARGETS = [
    {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": "360700"},
    {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": "360702"},
]


def definition(**changes) -> dict:
    return {"title": "2026年度群众评机关", "region": "360700", "targets": TARGETS,
            "respondent_categories": [{"category": "npc_deputy", "quota": 40},
                                      {"category": "farmer_or_resident", "quota": 200}], **changes}


def draft(**changes) -> Campaign:
    return Campaign.draft("campaign-0000000000000001", definition=definition(**changes), questionnaire=None,
                          created_by="office", created_on=DAY)


def opened(**changes) -> Campaign:
    campaign = draft(**changes)
    campaign.open(DAY)
    return campaign


def invitation_batch(campaign: Campaign, count: int = 5, category: str = "npc_deputy") -> Batch:
    return Batch.issue_invitations("batch-00000000000000aa", campaign, respondent_category=category, count=count,
                                   issued_by="office", on=DAY)


def paper_batch(campaign: Campaign, count: int = 5) -> Batch:
    return Batch.record_paper("batch-00000000000000bb", campaign, respondent_category="farmer_or_resident",
                              count=count, issued_by="office", on=DAY)


def repository() -> EventSourcedRepository:
    return EventSourcedRepository(MemoryEventStore(), APPRAISAL, MemoryProjectionStore(), "360700",
                                  [Campaign, Batch, Response, Opinion, Problem])


def recorded_types(aggregate) -> list[str]:
    return [t for t, _ in aggregate.pending]
