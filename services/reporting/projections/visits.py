"""Rows from the visits service's events (topic `shuangwan.visits`), one per record.

Each row keeps what the reports count, not the whole record: a visit keeps its figures but not
its notes, a research report its author and date but not its text.
"""
from __future__ import annotations

from shared.consumer import Projection
from shared.envelope import Recorded


class _ByType(Projection):
    """A projection whose events are handled by methods named `on_<Type>` (family `visits`)."""

    family = "visits"

    def handles(self, event: Recorded) -> bool:
        return event.family == self.family and hasattr(self, f"on_{event.type}")

    def evolve(self, row: dict | None, event: Recorded) -> dict:
        return getattr(self, f"on_{event.type}")(dict(row or {}), event.data)


class Organs(_ByType):
    """机关单位: name, category (序列), tier, region."""
    collection = "organs"

    def on_OrganRegistered(self, row: dict, e: dict) -> dict:
        return {**row, "name": e["name"], "category": e["category"], "tier": e["tier"], "region": e["region"]}


class Cadres(_ByType):
    """干部: their organ and whether they are a leading cadre (领导干部), as last registered."""
    collection = "cadres"

    def on_CadreRegistered(self, row: dict, e: dict) -> dict:
        return {**row, "name": e["name"], "rank": e["rank"], "organ_id": e["organ_id"], "organ_name": e["organ_name"],
                "organ_category": e["organ_category"], "region": e["region"], "leading": e["leading"]}

    on_CadreUpdated = on_CadreRegistered


class Visits(_ByType):
    """下基层: one row per visit, with its figures; a cancelled visit stays, marked, and counts nowhere."""
    collection = "visits"

    def on_VisitLogged(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "visited_on": e["visited_on"], "cadre_ids": e["cadre_ids"],
                "leading_cadre_ids": e["leading_cadre_ids"], "organ_ids": e["organ_ids"],
                "place_type": e["place_type"], "activities": e["activities"],
                "people_reached": e["people_reached"], "households_reached": e["households_reached"],
                "funds_yuan": e["funds_total_yuan"], "items": e["items_total"], "services": len(e["services"]),
                "policy_sessions": len(e["policy_sessions"]), "policy_attendance": e["policy_attendance_total"],
                "problems": len(e["problem_ids"]), "cancelled": False}

    def on_VisitCancelled(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "visited_on": e["visited_on"], "cancelled": True,
                "cancelled_on": e["cancelled_on"]}


class ResearchReports(_ByType):
    """调研报告: who wrote it, whether they were a leading cadre, when."""
    collection = "reports"

    def on_ResearchReportSubmitted(self, row: dict, e: dict) -> dict:
        return {**row, "cadre_id": e["cadre_id"], "organ_id": e["organ_id"], "leading": e["leading"],
                "region": e["region"], "title": e["title"], "submitted_on": e["submitted_on"]}


class ConstructionPoints(_ByType):
    """新农村建设点 and their 三个一 totals; events carry the totals, so a row simply takes them."""
    collection = "points"

    def on_ConstructionPointRegistered(self, row: dict, e: dict) -> dict:
        return {**row, "name": e["name"], "region": e["region"], "organ_id": e["organ_id"],
                "registered_on": e["registered_on"], "instructors": 0, "funds_yuan": "0.00", "computers": 0,
                "compliant": False, "compliant_on": None}

    def _progress(self, row: dict, e: dict, on: str) -> dict:
        row = {**row, "region": e["region"], "instructors": e["instructors_total"],
               "funds_yuan": e["funds_total_yuan"], "computers": e["computers_total"], "compliant": e["compliant"]}
        if e["compliant"] and not row.get("compliant_on"):
            row["compliant_on"] = on
        return row

    def on_InstructorAssigned(self, row: dict, e: dict) -> dict:
        return self._progress(row, e, e["assigned_on"])

    def on_PointFundsGiven(self, row: dict, e: dict) -> dict:
        return self._progress(row, e, e["given_on"])

    def on_ComputersDonated(self, row: dict, e: dict) -> dict:
        return self._progress(row, e, e["donated_on"])


class Pairings(_ByType):
    """结对帮扶 / 结对共建: kind, organ, dates and days on site."""
    collection = "pairings"

    def on_PairingStarted(self, row: dict, e: dict) -> dict:
        return {**row, "kind": e["kind"], "organ_id": e["organ_id"], "cadre_id": e["cadre_id"],
                "point_id": e["point_id"], "region": e["region"], "start_on": e["start_on"], "end_on": e["end_on"],
                "required_days": e["required_days"], "days_total": 0, "ended_on": None, "days_met": None}

    def on_PairingDaysLogged(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "days_total": e["days_total"], "required_days": e["required_days"]}

    def on_PairingEnded(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "days_total": e["days_total"], "required_days": e["required_days"],
                "ended_on": e["ended_on"], "days_met": e["days_met"]}


class Practices(_ByType):
    """好的经验做法 reported upward, and whether the working committee published them."""
    collection = "practices"

    def on_PracticeSubmitted(self, row: dict, e: dict) -> dict:
        return {**row, "organ_id": e["organ_id"], "region": e["region"], "title": e["title"],
                "submitted_on": e["submitted_on"], "status": "submitted", "decided_on": None}

    def on_PracticePublished(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "status": "published", "decided_on": e["published_on"],
                "channels": e["channels"]}

    def on_PracticeDeclined(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "status": "declined", "decided_on": e["declined_on"]}


class Meetings(_ByType):
    """先进典型报告会: one row per meeting with its figures; a cancelled one stays, marked, and counts nowhere."""
    collection = "meetings"

    def on_ExemplarMeetingHeld(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "held_on": e["held_on"], "exemplars": len(e["exemplars"]),
                "attendance": e["attendance"], "cancelled": False}

    def on_ExemplarMeetingCancelled(self, row: dict, e: dict) -> dict:
        return {**row, "region": e["region"], "held_on": e["held_on"], "cancelled": True}


PROJECTIONS = [Organs(), Cadres(), Visits(), ResearchReports(), ConstructionPoints(), Pairings(), Practices(),
               Meetings()]
