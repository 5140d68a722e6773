"""The Pairing aggregate: a pairing (结对帮扶 / 结对共建) with its span and days on site."""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.visits import PAIRING_KINDS, VISITS

CADRE_KINDS = ("cadre_household", "cadre_enterprise")


class Pairing(Aggregate):
    """结对: a cadre with a household or enterprise in difficulty, or an organ's party organisation with a
    village's or construction point's; runs from its start to its planned end, logging days on site."""

    stream_prefix = "pairing"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}
        self.status = "active"
        self.days_total = 0
        self.stays: list[dict] = []
        self.ended: dict | None = None

    @classmethod
    def start(cls, id: str, *, kind: str, organ_id: str, partner_name: str, region: str, start_on: date,
              end_on: date, required_days: int = 0, cadre_id: str | None = None,
              point_id: str | None = None) -> "Pairing":
        _check_parties(kind, cadre_id, point_id)
        if end_on < start_on:
            raise InvalidCommand("The end is before the start.", "end_on")
        if required_days > _span(start_on, end_on):
            raise InvalidCommand(f"{required_days} days on site do not fit in {_span(start_on, end_on)} days.",
                                 "required_days")
        pairing = cls(id)
        pairing._record("PairingStarted", kind=kind, organ_id=organ_id, cadre_id=cadre_id, point_id=point_id,
                        partner_name=partner_name, region=region, start_on=start_on, end_on=end_on,
                        required_days=required_days)
        return pairing

    def log_days(self, *, days: int, on: date, note: str | None = None) -> None:
        """`days` on site ending on `on`, which must lie within the pairing's span."""
        self._require_active()
        start, end = self.start_on, self.end_on
        if not start <= on <= end:
            raise InvalidCommand(f"The date lies outside the pairing ({start} to {end}).", "on")
        if days < 1:
            raise InvalidCommand("Log at least one day.", "days")
        if self.days_total + days > _span(start, on):
            raise InvalidCommand(f"Only {_span(start, on)} days have passed since the start by {on}; "
                                 f"{self.days_total} are already logged.", "days")
        self._record("PairingDaysLogged", days=days, on=on, note=note, region=self.region,
                     days_total=self.days_total + days, required_days=self.required_days)

    def end(self, *, on: date, outcome: str | None = None) -> None:
        self._require_active()
        if on < self.start_on:
            raise InvalidCommand(f"A pairing cannot end before it starts ({self.start_on}).", "on")
        self._record("PairingEnded", ended_on=on, outcome=outcome, region=self.region, days_total=self.days_total,
                     required_days=self.required_days, days_met=self.days_met)

    @property
    def start_on(self) -> date:
        return date.fromisoformat(self.facts["start_on"])

    @property
    def end_on(self) -> date:
        return date.fromisoformat(self.facts["end_on"])

    @property
    def required_days(self) -> int:
        return self.facts["required_days"]

    @property
    def days_met(self) -> bool:
        return self.days_total >= self.required_days

    def _require_active(self) -> None:
        if self.status != "active":
            raise DomainError("The pairing has ended.", "status")

    # --- events -----------------------------------------------------------------------------

    def on_PairingStarted(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def on_PairingDaysLogged(self, e: dict) -> None:
        self.days_total = e["days_total"]
        self.stays.append({"days": e["days"], "on": e["on"], "note": e["note"]})

    def on_PairingEnded(self, e: dict) -> None:
        self.status = "ended"
        self.ended = {"ended_on": e["ended_on"], "outcome": e["outcome"]}

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts, "status": self.status,
                "days_total": self.days_total, "days_met": self.days_met, "stays": self.stays,
                "ended_on": self.ended and self.ended["ended_on"], "outcome": self.ended and self.ended["outcome"]}


def _span(start: date, end: date) -> int:
    """Calendar days from `start` to `end`, both included."""
    return (end - start).days + 1


def _check_parties(kind: str, cadre_id: str | None, point_id: str | None) -> None:
    if kind not in PAIRING_KINDS:
        raise InvalidCommand(f"Unknown kind {kind!r}; one of {', '.join(PAIRING_KINDS)}.", "kind")
    if (kind in CADRE_KINDS) != bool(cadre_id):
        raise InvalidCommand("A cadre pairing names its cadre; an organ pairing names none.", "cadre_id")
    if (kind == "organ_point") != bool(point_id):
        raise InvalidCommand("A pairing with a construction point names the point; other kinds name none.",
                             "point_id")
