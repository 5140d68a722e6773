"""The Practice aggregate: a good practice (好的经验做法) reported upward for publication."""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import PUBLISH_CHANNELS, VISITS
from services.visits.domain.organ import Organ

STATUSES = ("submitted", "published", "declined")


class Practice(Aggregate):
    """好的经验做法: submitted by an organ; the working committee publishes it (内刊/内网) or declines it."""

    stream_prefix = "practice"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.status = "submitted"
        self.decision: dict = {}

    @classmethod
    def submit(cls, id: str, *, organ: Organ, title: str, summary: str, submitted_on: date) -> "Practice":
        practice = cls(id)
        practice._record("PracticeSubmitted", organ_id=organ.id, organ_name=organ.name,
                         organ_category=organ.category, region=organ.region, title=title, summary=summary,
                         submitted_on=submitted_on)
        return practice

    def publish(self, *, channels: list[str], on: date, issue: str | None = None) -> None:
        self._decidable(on)
        channels = list(dict.fromkeys(channels))
        if not channels or any(c not in PUBLISH_CHANNELS for c in channels):
            raise InvalidCommand(f"Publish to one or more of {', '.join(PUBLISH_CHANNELS)}.", "channels")
        self._record("PracticePublished", organ_id=self.facts["organ_id"], region=self.region, channels=channels,
                     issue=issue, published_on=on)

    def decline(self, *, reason: str, on: date) -> None:
        self._decidable(on)
        self._record("PracticeDeclined", organ_id=self.facts["organ_id"], region=self.region, reason=reason,
                     declined_on=on)

    def _decidable(self, on: date) -> None:
        if self.status != "submitted":
            raise DomainError(f"The practice has already been {self.status}.", "status")
        if on.isoformat() < self.facts["submitted_on"]:
            raise InvalidCommand("The decision date is before the submission.", "on")

    def on_PracticeSubmitted(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def on_PracticePublished(self, e: dict) -> None:
        self.status = "published"
        self.decision = {"channels": e["channels"], "issue": e["issue"], "decided_on": e["published_on"]}

    def on_PracticeDeclined(self, e: dict) -> None:
        self.status = "declined"
        self.decision = {"reason": e["reason"], "decided_on": e["declined_on"]}

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts, "status": self.status,
                "channels": self.decision.get("channels", []), "issue": self.decision.get("issue"),
                "decline_reason": self.decision.get("reason"), "decided_on": self.decision.get("decided_on")}
