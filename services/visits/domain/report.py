"""The ResearchReport aggregate: a research report (调研报告) written after going down to the grassroots."""
from __future__ import annotations

from datetime import date

from shared.aggregate import Aggregate
from shared.contracts.visits import VISITS
from services.visits.domain.cadre import Cadre


class ResearchReport(Aggregate):
    """调研报告: every leading cadre owes one; any cadre may submit."""

    stream_prefix = "report"
    events = VISITS

    def __init__(self, id: str):
        super().__init__(id)
        self.facts: dict = {}

    @classmethod
    def submit(cls, id: str, *, cadre: Cadre, title: str, summary: str, submitted_on: date,
               attachment_ref: str | None = None) -> "ResearchReport":
        report = cls(id)
        report._record("ResearchReportSubmitted", cadre_id=cadre.id, cadre_name=cadre.name, organ_id=cadre.organ_id,
                       leading=cadre.leading, region=cadre.region, title=title, summary=summary,
                       attachment_ref=attachment_ref, submitted_on=submitted_on)
        return report

    def on_ResearchReportSubmitted(self, e: dict) -> None:
        self.facts = dict(e)
        self.region = e["region"]

    def view(self) -> dict:
        return {"id": self.id, "version": self.version, **self.facts}


def completion(leading_cadres: list[dict], reports: list[dict]) -> list[dict]:
    """Which leading cadres have submitted a report and which still owe one (cadre and report views)."""
    by_cadre: dict[str, list[str]] = {}
    for report in sorted(reports, key=lambda r: r["submitted_on"]):
        by_cadre.setdefault(report["cadre_id"], []).append(report["id"])
    return [{"cadre_id": c["id"], "name": c["name"], "rank": c["rank"], "organ_id": c["organ_id"],
             "organ_name": c["organ_name"], "region": c["region"], "submitted": c["id"] in by_cadre,
             "report_ids": by_cadre.get(c["id"], [])}
            for c in leading_cadres]
