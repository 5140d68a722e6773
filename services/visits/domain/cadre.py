"""The Cadre aggregate: a serving cadre (干部) of an organ, and whether they are a leading cadre."""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import RANKS, VISITS
from services.visits.domain.organ import Organ

RANK_ORDER = list(RANKS)  # lowest first
# 领导干部: 县处级以上 in city-level (and province-level) organs, 科级以上 in county-level organs.
LEADING_FROM = {"province": "deputy_county", "city": "deputy_county", "county": "deputy_section"}


def is_leading(rank: str, organ_tier: str) -> bool:
    """Whether a cadre of `rank` in an organ of `organ_tier` is a leading cadre."""
    return RANK_ORDER.index(rank) >= RANK_ORDER.index(LEADING_FROM[organ_tier])


class Cadre(Aggregate):
    """干部: belongs to one organ at a time; `leading` is derived from rank and the organ's tier."""

    stream_prefix = "cadre"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}

    @classmethod
    def register(cls, id: str, *, name: str, rank: str, organ: Organ, position: str | None = None) -> "Cadre":
        _check_rank(rank)
        cadre = cls(id)
        cadre._record("CadreRegistered", **_facts(name, position, rank, organ))
        return cadre

    def update(self, *, on: date, rank: str | None = None, position: str | None = None,
               organ: Organ | None = None) -> None:
        """A promotion, a new post or a move to another organ; the leading flag follows."""
        new = dict(self.facts)
        if organ is not None:
            new.update(_organ_facts(organ))
        if rank is not None:
            _check_rank(rank)
            new["rank"] = rank
        if position is not None:
            new["position"] = position
        new["leading"] = is_leading(new["rank"], new["organ_tier"])
        if new == self.facts:
            raise DomainError("Nothing changed: give a new rank, position or organ.", "rank")
        self._record("CadreUpdated", **new, changed_on=on)

    @property
    def name(self) -> str:
        return self.facts["name"]

    @property
    def rank(self) -> str:
        return self.facts["rank"]

    @property
    def organ_id(self) -> str:
        return self.facts["organ_id"]

    @property
    def leading(self) -> bool:
        return self.facts["leading"]

    def on_CadreRegistered(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def on_CadreUpdated(self, e: dict) -> None:
        self.facts = {k: v for k, v in e.items() if k != "changed_on"}
        self.region = e["region"]

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts}


def _check_rank(rank: str) -> None:
    if rank not in RANKS:
        raise InvalidCommand(f"Unknown rank {rank!r}; one of {', '.join(RANKS)}.", "rank")


def _organ_facts(organ: Organ) -> dict:
    return {"organ_id": organ.id, "organ_name": organ.name, "organ_category": organ.category,
            "organ_tier": organ.tier, "region": organ.region}


def _facts(name: str, position: str | None, rank: str, organ: Organ) -> dict:
    return {"name": name, "position": position, "rank": rank, **_organ_facts(organ),
            "leading": is_leading(rank, organ.tier)}
