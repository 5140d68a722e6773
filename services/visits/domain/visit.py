"""The Visit aggregate: one grassroots visit (下基层) by one or more cadres."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import ACTIVITIES, PLACE_TYPES, VISITS
from services.visits.domain.cadre import Cadre


@dataclass
class Assistance:
    """What a visit delivered (三送): funds in yuan, items with counts, services, policy sessions."""
    funds: list[dict] = field(default_factory=list)            # {purpose, amount_yuan}
    items: list[dict] = field(default_factory=list)            # {name, count}
    services: list[str] = field(default_factory=list)
    policy_sessions: list[dict] = field(default_factory=list)  # {topic, attendance}

    def totals(self) -> dict:
        return {"funds_total_yuan": sum((Decimal(str(f["amount_yuan"])) for f in self.funds), Decimal("0")),
                "items_total": sum(i["count"] for i in self.items),
                "policy_attendance_total": sum(s["attendance"] for s in self.policy_sessions)}


# Figures of 三送 only count under the activity they belong to.
DELIVERY_NEEDS = {"policy_sessions": "deliver_policy", "funds": "deliver_service", "items": "deliver_service",
                  "services": "deliver_service"}


class Visit(Aggregate):
    """走访: who went (cadres), when, where, which 三问/三送/三学 activities, whom they reached, what they delivered."""

    stream_prefix = "visit"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.status = "logged"
        self.cancellation: dict | None = None

    @classmethod
    def log(cls, id: str, *, cadres: list[Cadre], region: str, visited_on: date, place_type: str, place_name: str,
            activities: list[str], people_reached: int = 0, households_reached: int = 0, notes: str | None = None,
            assistance: Assistance | None = None, problem_ids: list[str] = ()) -> "Visit":
        assistance = assistance or Assistance()
        _check_cadres(cadres)
        _check_place(place_type)
        activities = _check_activities(activities, assistance)
        visit = cls(id)
        visit._record(
            "VisitLogged", cadre_ids=[c.id for c in cadres], leading_cadre_ids=[c.id for c in cadres if c.leading],
            organ_ids=list(dict.fromkeys(c.organ_id for c in cadres)), region=region, visited_on=visited_on,
            place_type=place_type, place_name=place_name, activities=activities, people_reached=people_reached,
            households_reached=households_reached, notes=notes, funds=assistance.funds, items=assistance.items,
            services=assistance.services, policy_sessions=assistance.policy_sessions, **assistance.totals(),
            problem_ids=list(problem_ids))
        return visit

    def cancel(self, *, reason: str, on: date) -> None:
        if self.status == "cancelled":
            raise DomainError("The visit is already cancelled.", "status")
        if on.isoformat() < self.facts["visited_on"]:
            raise InvalidCommand("A visit cannot be cancelled before it took place.", "on")
        self._record("VisitCancelled", reason=reason, cancelled_on=on, region=self.region,
                     visited_on=self.facts["visited_on"], cadre_ids=self.facts["cadre_ids"])

    def on_VisitLogged(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def on_VisitCancelled(self, e: dict) -> None:
        self.status = "cancelled"
        self.cancellation = {"reason": e["reason"], "cancelled_on": e["cancelled_on"]}

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts, "status": self.status,
                "cancellation": self.cancellation}


def _check_cadres(cadres: list[Cadre]) -> None:
    if not cadres:
        raise InvalidCommand("A visit needs at least one cadre.", "cadre_ids")
    if len({c.id for c in cadres}) != len(cadres):
        raise InvalidCommand("A cadre is listed twice.", "cadre_ids")


def _check_place(place_type: str) -> None:
    if place_type not in PLACE_TYPES:
        raise InvalidCommand(f"Unknown place type {place_type!r}; one of {', '.join(PLACE_TYPES)}.", "place_type")


def _check_activities(activities: list[str], assistance: Assistance) -> list[str]:
    activities = list(dict.fromkeys(activities))
    if not activities:
        raise InvalidCommand("Name at least one of the 三问/三送/三学 activities.", "activities")
    unknown = [a for a in activities if a not in ACTIVITIES]
    if unknown:
        raise InvalidCommand(f"Unknown activities {unknown}; use {', '.join(ACTIVITIES)}.", "activities")
    for what, activity in DELIVERY_NEEDS.items():
        if getattr(assistance, what) and activity not in activities:
            raise InvalidCommand(f"The visit lists {what.replace('_', ' ')} but not the activity {activity} "
                                 f"({ACTIVITIES[activity]}).", "activities")
    return activities
