"""The Organ aggregate: an organ unit (机关单位) whose cadres go down to the grassroots."""
from __future__ import annotations

from shared.aggregate import Aggregate
from shared.contracts.visits import VISITS
from shared.regions import tier_of


class Organ(Aggregate):
    """机关单位: belongs to a category (序列), a tier and a region; its tier follows its region code."""

    stream_prefix = "organ"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.name = self.category = self.tier = ""

    @classmethod
    def register(cls, id: str, *, name: str, category: str, region: str) -> "Organ":
        # An organ of the city 360700 is a city-level organ: the tier is never typed in.
        organ = cls(id)
        organ._record("OrganRegistered", name=name, category=category, tier=tier_of(region), region=region)
        return organ

    def on_OrganRegistered(self, e: dict) -> None:
        self.name, self.category, self.tier, self.region = e["name"], e["category"], e["tier"], e["region"]

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, "name": self.name, "category": self.category,
                "tier": self.tier, "region": self.region}
