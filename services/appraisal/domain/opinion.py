"""Online opinions (网上征求意见): anyone may speak while a campaign is open, so duplicates and bulk
submissions are resisted with rate limits and burst detection — as flags by default, since a
village or an office often shares one network; a campaign may choose to block instead.

The decisions are pure functions of what was already received (`Recent`), so they are tested
without any storage; the service counts from its own views.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.appraisal import APPRAISAL
from services.appraisal.domain.campaign import Campaign


class TooManyOpinions(DomainError):
    status = 429
    code = "too_many_requests"


@dataclass(frozen=True)
class Recent:
    """Opinions already received in this campaign: within the past hour from the same network,
    the same device and about the same organ; and ever from the same phone about the same organ."""
    from_ip: int = 0
    from_device: int = 0
    about_organ: int = 0
    same_phone_same_organ: int = 0


@dataclass(frozen=True)
class Assessment:
    flags: list[str] = field(default_factory=list)
    blocked_by: str | None = None  # the limit that blocks it, under the "block" setting


def assess(limits: dict, recent: Recent, has_device: bool = True, has_organ: bool = True) -> Assessment:
    """Flags for one more opinion, and whether the campaign's settings block it."""
    flags = []
    if recent.from_ip + 1 > limits["per_ip_per_hour"]:
        flags.append("ip_rate")
    if has_device and recent.from_device + 1 > limits["per_device_per_hour"]:
        flags.append("device_rate")
    if recent.same_phone_same_organ > 0:
        flags.append("phone_repeat")
    if has_organ and recent.about_organ + 1 > limits["organ_burst_per_hour"]:
        flags.append("organ_burst")  # a burst on one organ is never a block: it may be genuine
    blocking = [f for f in flags if f in ("ip_rate", "device_rate")]
    blocked_by = blocking[0] if blocking and limits["over_limit"] == "block" else None
    return Assessment(flags, blocked_by)


class Opinion(Aggregate):
    """网上意见: free text about one organ or in general, shown without who wrote it."""

    stream_prefix = "opinion"
    events = APPRAISAL

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.hidden: dict | None = None

    @classmethod
    def submit(cls, id: str, campaign: Campaign, *, text: str, at: datetime, on: date, assessment: Assessment,
               organ_id: str | None = None, ip_hash: str | None = None, device_hash: str | None = None,
               phone_hash: str | None = None) -> "Opinion":
        campaign.require_open()
        target = None
        if organ_id is not None:
            target = campaign.target(organ_id)
            if target is None:
                raise InvalidCommand(f"Organ {organ_id} is not appraised in this campaign.", "organ_id")
        if assessment.blocked_by:
            what = {"ip_rate": "network", "device_rate": "device"}[assessment.blocked_by]
            raise TooManyOpinions(f"Too many opinions from this {what} in the past hour; try again later.")
        opinion = cls(id)
        opinion._record("OpinionSubmitted", campaign_id=campaign.id, region=campaign.region, organ_id=organ_id,
                        organ_name=target and target["name"], organ_category=target and target["category"],
                        organ_region=target and target["region"], text=text, channel="online",
                        submitted_at=at, submitted_on=on, ip_hash=ip_hash, device_hash=device_hash,
                        phone_hash=phone_hash, flags=assessment.flags)
        return opinion

    def hide(self, *, reason: str, by: str, on: date) -> None:
        """Moderation: hidden from public view; the text itself is never altered."""
        if self.hidden:
            raise DomainError("The opinion is already hidden.", "hidden")
        self._record("OpinionHidden", campaign_id=self.facts["campaign_id"], region=self.region, reason=reason,
                     hidden_by=by, hidden_on=on)

    def on_OpinionSubmitted(self, e: dict) -> None:
        self.facts, self.region = dict(e), e["region"]

    def on_OpinionHidden(self, e: dict) -> None:
        self.hidden = {"reason": e["reason"], "on": e["hidden_on"]}

    def view(self) -> dict:
        return {**self.facts, "id": self.id, "version": self.version, "hidden": bool(self.hidden),
                "hidden_reason": self.hidden and self.hidden["reason"],
                "hidden_on": self.hidden and self.hidden["on"]}
