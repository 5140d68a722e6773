"""The appraisal campaign (评议活动): draft → open → closed, sealable while open.

A campaign's definition — target organs, respondent categories, scoring settings, opinion
limits — can change only while it is a draft. Its questionnaire has versions: the one in force
when the campaign opens is frozen; a later change is a new version, and every answer names the
version it answered. Answers are accepted for any version in force since the opening.
"""
from __future__ import annotations

import copy
from datetime import date

from shared.aggregate import Aggregate, DomainError, InvalidCommand
from shared.contracts.appraisal import APPRAISAL, DIMENSIONS, GRADES, LEVELS
from shared.regions import within

DEFAULT_SCORING = {
    "level_points": {"satisfied": 100, "basically_satisfied": 70, "dissatisfied": 0, "unknown": 0},
    "unknown_is_valid": False,
    "dimension_weights": [{"dimension": d, "weight": 1} for d in DIMENSIONS],
    "grade_bands": [{"grade": "satisfied", "name": "满意", "min_score": 85},
                    {"grade": "fairly_satisfied", "name": "比较满意", "min_score": 75},
                    {"grade": "basically_satisfied", "name": "基本满意", "min_score": 60},
                    {"grade": "dissatisfied", "name": "不满意", "min_score": 0}],
    "bottom_n": 3,
    "min_valid_n": 30,
}
# Rate limits flag rather than block by default: a village or an office often shares one network.
DEFAULT_OPINION_LIMITS = {"per_ip_per_hour": 10, "per_device_per_hour": 3, "over_limit": "flag",
                          "organ_burst_per_hour": 30}


def default_questionnaire(title: str) -> dict:
    return {"title": title, "instructions": None,
            "dimensions": [{"code": c, "name": n, "prompt": None} for c, n in DIMENSIONS.items()],
            "levels": [{"code": c, "name": n} for c, n in LEVELS.items()],
            "organ_opinion": True, "overall_opinion": True}


def complete_definition(given: dict) -> dict:
    """The definition with defaults filled in: scoring and limits field by field, questionnaire whole."""
    definition = copy.deepcopy(given)
    scoring = definition.get("scoring") or {}
    definition["scoring"] = {**copy.deepcopy(DEFAULT_SCORING), **scoring,
                             "level_points": {**DEFAULT_SCORING["level_points"], **scoring.get("level_points", {})}}
    definition["opinion_limits"] = {**DEFAULT_OPINION_LIMITS, **(definition.get("opinion_limits") or {})}
    definition.setdefault("targets", [])
    definition.setdefault("respondent_categories", [])
    definition.setdefault("starts_on", None)
    definition.setdefault("ends_on", None)
    return definition


def complete_questionnaire(given: dict | None, title: str) -> dict:
    questionnaire = default_questionnaire(title)
    questionnaire.update(copy.deepcopy(given or {}))
    return questionnaire


# --- checks on a definition (each names the offending field) ---------------------------------

def check_definition(definition: dict) -> None:
    _check_dates(definition)
    _check_targets(definition["region"], definition["targets"])
    _check_respondents(definition["respondent_categories"])
    check_scoring(definition["scoring"])


def _check_dates(d: dict) -> None:
    if d["starts_on"] and d["ends_on"] and str(d["ends_on"]) < str(d["starts_on"]):
        raise InvalidCommand("The campaign ends before it starts.", "ends_on")


def _check_targets(region: str, targets: list[dict]) -> None:
    seen = set()
    for i, target in enumerate(targets):
        if target["organ_id"] in seen:
            raise InvalidCommand(f"Organ {target['organ_id']} is listed twice.", f"targets.{i}.organ_id")
        seen.add(target["organ_id"])
        if not within(region, target["region"]):
            raise InvalidCommand(f"Organ region {target['region']} is outside the campaign's region {region}.",
                                 f"targets.{i}.region")


def _check_respondents(groups: list[dict]) -> None:
    codes = [g["category"] for g in groups]
    if len(set(codes)) != len(codes):
        raise InvalidCommand("A respondent category is listed twice.", "respondent_categories")
    weighted = [g.get("weight") is not None for g in groups]
    if any(weighted) and not all(weighted):
        raise InvalidCommand("Give a weight to every respondent category, or to none.", "respondent_categories")
    if any(weighted) and sum(g["weight"] for g in groups) == 0:
        raise InvalidCommand("The respondent category weights are all zero.", "respondent_categories")


def check_scoring(scoring: dict) -> None:
    points = scoring["level_points"]
    if not points["satisfied"] >= points["basically_satisfied"] >= points["dissatisfied"]:
        raise InvalidCommand("Points must not rise from 满意 to 基本满意 to 不满意.", "scoring.level_points")
    if sorted(w["dimension"] for w in scoring["dimension_weights"]) != sorted(DIMENSIONS):
        raise InvalidCommand("Give each of the five dimensions exactly one weight.", "scoring.dimension_weights")
    bands = scoring["grade_bands"]
    mins = [b["min_score"] for b in bands]
    if len({b["grade"] for b in bands}) != len(bands) or mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise InvalidCommand("Grade bands must be distinct grades, highest first.", "scoring.grade_bands")
    if not bands or mins[-1] != 0:
        raise InvalidCommand("The lowest grade band must start at 0, so every score has a grade.",
                             "scoring.grade_bands")
    if any(b["grade"] not in GRADES for b in bands):
        raise InvalidCommand("Unknown grade.", "scoring.grade_bands")


def check_questionnaire(q: dict) -> None:
    if sorted(d["code"] for d in q["dimensions"]) != sorted(DIMENSIONS):
        raise InvalidCommand("The questionnaire asks each of the five dimensions exactly once.",
                             "questionnaire.dimensions")
    if sorted(level["code"] for level in q["levels"]) != sorted(LEVELS):
        raise InvalidCommand(f"The scale is exactly {', '.join(LEVELS)}.", "questionnaire.levels")


# --- the aggregate ----------------------------------------------------------------------------

class Campaign(Aggregate):
    """评议活动: one office's appraisal of a list of organs by categories of respondents."""

    stream_prefix = "campaign"
    events = APPRAISAL

    def __init__(self, id: str):
        super().__init__(id)
        self.status = "draft"
        self.definition: dict = {}
        self.questionnaires: list[dict] = []  # every version, oldest first
        self.first_open_version: int | None = None
        self.sealed = False
        self.dates: dict = {}

    # --- commands ---------------------------------------------------------------------------

    @classmethod
    def draft(cls, id: str, *, definition: dict, questionnaire: dict | None, created_by: str,
              created_on: date) -> "Campaign":
        definition = complete_definition(definition)
        check_definition(definition)
        q = {**complete_questionnaire(questionnaire, definition["title"]), "version": 1}
        check_questionnaire(q)
        campaign = cls(id)
        campaign._record("CampaignDrafted", **definition, questionnaire=q, created_by=created_by,
                         created_on=created_on)
        return campaign

    def amend(self, definition: dict, on: date) -> None:
        self._require("draft", "amend")
        definition = complete_definition({**definition, "region": self.region})
        check_definition(definition)
        self._record("CampaignAmended", **definition, questionnaire=self.questionnaire(), amended_on=on)

    def revise_questionnaire(self, questionnaire: dict, on: date, reason: str | None = None) -> None:
        """A new version; before opening it simply replaces the draft's, after it both stay answerable."""
        self._require(("draft", "open"), "revise the questionnaire of")
        q = {**complete_questionnaire(questionnaire, self.definition["title"]), "version": self.latest_version + 1}
        check_questionnaire(q)
        self._record("QuestionnaireRevised", region=self.region, questionnaire=q, reason=reason, revised_on=on)

    def open(self, on: date) -> None:
        self._require("draft", "open")
        if not self.definition["targets"]:
            raise DomainError("A campaign needs at least one target organ before it opens.", "targets")
        if not self.definition["respondent_categories"]:
            raise DomainError("A campaign needs at least one respondent category before it opens.",
                              "respondent_categories")
        self._record("CampaignOpened", **self._definition_payload(), questionnaire=self.questionnaire(), opened_on=on)

    def seal(self, on: date, reason: str | None = None) -> None:
        self._require("open", "seal")
        if self.sealed:
            raise DomainError("The campaign's results are already sealed.", "sealed")
        self._record("CampaignSealed", region=self.region, reason=reason, sealed_on=on)

    def close(self, on: date) -> None:
        self._require("open", "close")
        self._record("CampaignClosed", region=self.region, closed_on=on)

    # --- questions other aggregates ask -----------------------------------------------------

    def require_open(self) -> None:
        if self.status != "open":
            raise DomainError(f"The campaign is {self.status}; it does not accept answers now.", "campaign")

    def require_not_closed(self, action: str) -> None:
        if self.status == "closed":
            raise DomainError(f"Cannot {action}: the campaign is closed.", "campaign")

    def target(self, organ_id: str) -> dict | None:
        return next((t for t in self.definition["targets"] if t["organ_id"] == organ_id), None)

    def has_respondent_category(self, category: str) -> bool:
        return any(g["category"] == category for g in self.definition["respondent_categories"])

    @property
    def latest_version(self) -> int:
        return self.questionnaires[-1]["version"]

    def questionnaire(self, version: int | None = None) -> dict:
        version = version or self.latest_version
        return next(q for q in self.questionnaires if q["version"] == version)

    def answerable_versions(self) -> list[int]:
        if self.first_open_version is None:
            return []
        return [q["version"] for q in self.questionnaires if q["version"] >= self.first_open_version]

    def _require(self, allowed, action: str) -> None:
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        if self.status not in allowed:
            raise DomainError(f"Cannot {action} a campaign that is {self.status}.", "status")

    def _definition_payload(self) -> dict:
        keys = ("title", "region", "starts_on", "ends_on", "targets", "respondent_categories", "scoring",
                "opinion_limits")
        return {k: self.definition[k] for k in keys}

    # --- events -----------------------------------------------------------------------------

    def _define(self, e: dict) -> None:
        self.definition = {k: v for k, v in e.items()
                           if k not in ("questionnaire", "created_by", "created_on", "amended_on", "opened_on")}
        self.region = e["region"]

    def on_CampaignDrafted(self, e: dict) -> None:
        self._define(e)
        self.questionnaires = [e["questionnaire"]]
        self.dates["created_on"] = e["created_on"]

    def on_CampaignAmended(self, e: dict) -> None:
        self._define(e)

    def on_QuestionnaireRevised(self, e: dict) -> None:
        if self.status == "draft":  # a draft's versions were never answered: keep only the newest
            self.questionnaires = [e["questionnaire"]]
        else:
            self.questionnaires.append(e["questionnaire"])

    def on_CampaignOpened(self, e: dict) -> None:
        self._define(e)
        self.status = "open"
        self.first_open_version = e["questionnaire"]["version"]
        self.dates["opened_on"] = e["opened_on"]

    def on_CampaignSealed(self, e: dict) -> None:
        self.sealed = True
        self.dates["sealed_on"] = e["sealed_on"]

    def on_CampaignClosed(self, e: dict) -> None:
        self.status = "closed"
        self.sealed = False
        self.dates["closed_on"] = e["closed_on"]

    def view(self) -> dict:
        return {**self.definition, "id": self.id, "version": self.version, "status": self.status,
                "sealed": self.sealed, "questionnaire": self.questionnaire(),
                "answerable_versions": self.answerable_versions(),
                "created_on": None, "opened_on": None, "sealed_on": None, "closed_on": None, **self.dates}
