"""The ConstructionPoint aggregate: a new-countryside construction point and its 三个一 task."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import VISITS

# 三个一: at least one party-building instructor, ¥10,000 for the activity room, one computer.
MIN_INSTRUCTORS = 1
MIN_FUNDS_YUAN = Decimal("10000")
MIN_COMPUTERS = 1


class ConstructionPoint(Aggregate):
    """新农村建设点: compliant with 三个一 once it has an instructor, ¥10,000 and a computer."""

    stream_prefix = "point"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.instructors: list[dict] = []
        self.funds = Decimal("0")
        self.computers = 0
        self.contributions: list[dict] = []

    @classmethod
    def register(cls, id: str, *, name: str, region: str, registered_on: date,
                 organ_id: str | None = None) -> "ConstructionPoint":
        point = cls(id)
        point._record("ConstructionPointRegistered", name=name, region=region, organ_id=organ_id,
                      registered_on=registered_on)
        return point

    def assign_instructor(self, *, instructor_name: str, on: date, cadre_id: str | None = None,
                          organ_id: str | None = None) -> None:
        self._not_before_registration(on)
        if any(i["instructor_name"] == instructor_name and i["cadre_id"] == cadre_id for i in self.instructors):
            raise DomainError(f"{instructor_name} is already an instructor of this point.", "instructor_name")
        self._record("InstructorAssigned", instructor_name=instructor_name, cadre_id=cadre_id, organ_id=organ_id,
                     assigned_on=on, **self._totals(instructors=1))

    def give_funds(self, *, amount_yuan: Decimal, on: date, organ_id: str | None = None) -> None:
        self._not_before_registration(on)
        if amount_yuan <= 0:
            raise InvalidCommand("The amount must be more than ¥0.", "amount_yuan")
        self._record("PointFundsGiven", amount_yuan=amount_yuan, organ_id=organ_id, given_on=on,
                     **self._totals(funds=amount_yuan))

    def donate_computers(self, *, count: int, on: date, organ_id: str | None = None) -> None:
        self._not_before_registration(on)
        if count < 1:
            raise InvalidCommand("Donate at least one computer.", "count")
        self._record("ComputersDonated", count=count, organ_id=organ_id, donated_on=on,
                     **self._totals(computers=count))

    @property
    def compliant(self) -> bool:
        return _compliant(len(self.instructors), self.funds, self.computers)

    def _totals(self, instructors: int = 0, funds: Decimal = Decimal("0"), computers: int = 0) -> dict:
        """The 三个一 figures as they will stand after a contribution."""
        totals = (len(self.instructors) + instructors, self.funds + funds, self.computers + computers)
        return {"region": self.region, "instructors_total": totals[0], "funds_total_yuan": totals[1],
                "computers_total": totals[2], "compliant": _compliant(*totals)}

    def _not_before_registration(self, on: date) -> None:
        if on.isoformat() < self.facts["registered_on"]:
            raise InvalidCommand(f"The date is before the point was registered ({self.facts['registered_on']}).", "on")

    # --- events -----------------------------------------------------------------------------

    def on_ConstructionPointRegistered(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def _take_totals(self, e: dict) -> None:
        self.funds, self.computers = Decimal(e["funds_total_yuan"]), e["computers_total"]

    def on_InstructorAssigned(self, e: dict) -> None:
        self.instructors.append({k: e[k] for k in ("instructor_name", "cadre_id", "organ_id", "assigned_on")})
        self._take_totals(e)
        self.contributions.append({"kind": "instructor", "on": e["assigned_on"], "organ_id": e["organ_id"],
                                   "instructor_name": e["instructor_name"]})

    def on_PointFundsGiven(self, e: dict) -> None:
        self._take_totals(e)
        self.contributions.append({"kind": "funds", "on": e["given_on"], "organ_id": e["organ_id"],
                                   "amount_yuan": e["amount_yuan"]})

    def on_ComputersDonated(self, e: dict) -> None:
        self._take_totals(e)
        self.contributions.append({"kind": "computers", "on": e["donated_on"], "organ_id": e["organ_id"],
                                   "count": e["count"]})

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts, "instructors": self.instructors,
                "instructors_total": len(self.instructors), "funds_total_yuan": f"{self.funds:.2f}",
                "computers_total": self.computers, "compliant": self.compliant,
                "missing": self.missing(), "contributions": self.contributions}

    def missing(self) -> list[str]:
        """What the point still lacks for 三个一."""
        return [what for what, lacking in (("instructor", len(self.instructors) < MIN_INSTRUCTORS),
                                           ("funds", self.funds < MIN_FUNDS_YUAN),
                                           ("computer", self.computers < MIN_COMPUTERS)) if lacking]


def _compliant(instructors: int, funds: Decimal, computers: int) -> bool:
    return instructors >= MIN_INSTRUCTORS and funds >= MIN_FUNDS_YUAN and computers >= MIN_COMPUTERS
