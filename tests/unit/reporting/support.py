"""Events for the reporting unit tests: valid payloads, wrapped as they come off the bus."""
from __future__ import annotations

import itertools
from decimal import Decimal
from datetime import datetime, timezone

from shared.contracts.appraisal import APPRAISAL
from shared.contracts.visits import VISITS
from shared.envelope import Recorded, source_of, to_bytes
from shared.regions import tier_of

REGISTRIES = {"visits": VISITS, "appraisal": APPRAISAL}
FAST = 0.02  # seconds an idle poll of the in-memory bus waits
_ids = itertools.count(1)


def recorded(family: str, type_: str, stream: str, version: int, data: dict, region: str | None = None,
             office: str = "360700") -> Recorded:
    """A stored event whose payload went through the contract (validated, JSON-ready); the
    envelope's region is the payload's unless given; `office` stored it."""
    schema_version, payload = REGISTRIES[family].encode(type_, data)
    region = region or data["region"]
    return Recorded(id=f"e{next(_ids)}", family=family, type=type_, schema_version=schema_version, stream=stream,
                    version=version, data=payload, time=datetime(2026, 10, 1, tzinfo=timezone.utc), region=region,
                    tier=tier_of(region), source=source_of(family, office))


def message(event: Recorded) -> tuple[str, bytes]:
    return event.stream, to_bytes(event)


def problem_events(stream: str, region: str = "360702", *, raised_on="2026-10-01", steps=(), family="visits",
                   source="visit", source_ref=None, organ_id=None, category="infrastructure",
                   office="360700") -> list[Recorded]:
    """ProblemRaised, then each (type, payload) of `steps`, stored by `office`."""
    events = [recorded(family, "ProblemRaised", stream, 1, dict(
        number=f"{region}-{stream}", source=source, source_ref=source_ref, category=category, description="村道破损",
        region=region, organ_id=organ_id, raised_by=None, raised_on=raised_on), office=office)]
    for version, (type_, payload) in enumerate(steps, start=2):
        events.append(recorded(family, type_, stream, version, payload, region, office))
    return events


def referred(on: str, deadline: str, unit="unit-a", long_term=False):
    return ("ProblemReferred", {"unit_id": unit, "unit_name": "交通局", "responsible_person": "王五",
                                "deadline": deadline, "long_term": long_term, "measures": None, "referred_on": on})


def progressed(on: str):
    return ("ProblemProgressed", {"note": "处理中", "measures": None, "on": on})


def done(on: str):
    return ("ProblemReportedDone", {"result": "已修复", "on": on})


def resolved(on: str):
    return ("ProblemResolved", {"feedback": None, "on": on})


def reopened(on: str):
    return ("ProblemReopened", {"reason": "仍有问题", "on": on})


def returned(on: str):
    return ("ProblemReturned", {"reason": "不属本单位", "returned_on": on})


def extended(on: str, promised: str):
    return ("ProblemDeadlineExtended", {"promised_date": promised, "reason": "长期工作", "on": on})


# --- visits ---------------------------------------------------------------------------------------

def organ(stream: str, region: str, name: str = "交通局", category: str = "government") -> Recorded:
    return recorded("visits", "OrganRegistered", stream, 1,
                    dict(name=name, category=category, tier=tier_of(region), region=region))


def cadre(stream: str, organ_id: str, region: str, leading: bool, version: int = 1, **changes) -> Recorded:
    data = dict(name="张三", position=None, rank="county" if leading else "clerk", organ_id=organ_id,
                organ_name="交通局", organ_category="government", organ_tier=tier_of(region), region=region,
                leading=leading)
    if version > 1:
        data["changed_on"] = "2026-10-01"
    return recorded("visits", "CadreUpdated" if version > 1 else "CadreRegistered", stream, version,
                    {**data, **changes})


def visit(stream: str, region: str, visited_on: str, cadre_ids, leading_cadre_ids=(), organ_ids=("organ-a",),
          place_type="village", activities=("ask_needs",), people=10, households=3, funds=("1000.00",),
          items=(), services=(), problems=()) -> Recorded:
    return recorded("visits", "VisitLogged", stream, 1, dict(
        cadre_ids=list(cadre_ids), leading_cadre_ids=list(leading_cadre_ids), organ_ids=list(organ_ids),
        region=region, visited_on=visited_on, place_type=place_type, place_name="某村", activities=list(activities),
        people_reached=people, households_reached=households, notes=None,
        funds=[{"purpose": "助学", "amount_yuan": f} for f in funds], items=[{"name": "大米", "count": n} for n in items],
        services=list(services), policy_sessions=[], funds_total_yuan=f"{sum(Decimal(f) for f in funds):.2f}",
        items_total=sum(items), policy_attendance_total=0, problem_ids=list(problems)))


def cancel(stream: str, region: str, visited_on: str, cadre_ids) -> Recorded:
    return recorded("visits", "VisitCancelled", stream, 2, dict(
        reason="录入错误", cancelled_on=visited_on, region=region, visited_on=visited_on, cadre_ids=list(cadre_ids)))


def report(stream: str, cadre_id: str, region: str, leading: bool, on: str) -> Recorded:
    return recorded("visits", "ResearchReportSubmitted", stream, 1, dict(
        cadre_id=cadre_id, cadre_name="张三", organ_id="organ-a", leading=leading, region=region, title="调研报告",
        summary="摘要", attachment_ref=None, submitted_on=on))


# --- appraisal ------------------------------------------------------------------------------------

DIMENSION_CODES = ("serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image")


def definition(region: str, targets, categories, min_valid_n=30, bottom_n=3) -> dict:
    """A campaign definition with the default scoring; `targets` (organ_id, name, category),
    `categories` (category, quota, weight)."""
    return dict(
        title="2026年度群众评机关", region=region, starts_on=None, ends_on=None,
        targets=[{"organ_id": o, "name": n, "category": c, "region": region} for o, n, c in targets],
        respondent_categories=[{"category": c, "quota": q, "weight": w} for c, q, w in categories],
        scoring={"level_points": {"satisfied": 100, "basically_satisfied": 70, "dissatisfied": 0, "unknown": 0},
                 "unknown_is_valid": False,
                 "dimension_weights": [{"dimension": d, "weight": 1} for d in DIMENSION_CODES],
                 "grade_bands": [{"grade": "satisfied", "name": "满意", "min_score": 85},
                                 {"grade": "fairly_satisfied", "name": "比较满意", "min_score": 75},
                                 {"grade": "basically_satisfied", "name": "基本满意", "min_score": 60},
                                 {"grade": "dissatisfied", "name": "不满意", "min_score": 0}],
                 "bottom_n": bottom_n, "min_valid_n": min_valid_n},
        opinion_limits={"per_ip_per_hour": 10, "per_device_per_hour": 3, "over_limit": "flag",
                        "organ_burst_per_hour": 30},
        questionnaire={"version": 1, "title": "问卷", "instructions": None,
                       "dimensions": [{"code": d, "name": d, "prompt": None} for d in DIMENSION_CODES],
                       "levels": [{"code": "satisfied", "name": "满意"}], "organ_opinion": True,
                       "overall_opinion": True})


def campaign_events(stream: str, region: str, targets, categories, **scoring) -> list[Recorded]:
    d = definition(region, targets, categories, **scoring)
    return [recorded("appraisal", "CampaignDrafted", stream, 1, {**d, "created_by": "admin", "created_on": "2026-10-01"}),
            recorded("appraisal", "CampaignOpened", stream, 2, {**d, "opened_on": "2026-10-02"})]


def batch(stream: str, campaign_id: str, region: str, category: str, count: int, channel="online") -> Recorded:
    data = dict(campaign_id=campaign_id, region=region, respondent_category=category, count=count, label=None,
                issued_by="admin", issued_on="2026-10-02")
    if channel == "online":
        return recorded("appraisal", "InvitationBatchIssued", stream, 1, data)
    return recorded("appraisal", "PaperBatchRecorded", stream, 1, {**data, "channel": channel})


def response(stream: str, campaign_id: str, region: str, batch_id: str, category: str, levels: dict,
             channel="online", opinions=(), overall=None, on="2026-10-03") -> Recorded:
    """`levels`: {organ_id: level for every dimension, or {dimension: level}}."""
    ratings = []
    for organ_id, level in levels.items():
        per_dimension = level if isinstance(level, dict) else {d: level for d in DIMENSION_CODES}
        ratings.append({"organ_id": organ_id, **per_dimension})
    return recorded("appraisal", "QuestionnaireSubmitted", stream, 1, dict(
        campaign_id=campaign_id, region=region, questionnaire_version=1, batch_id=batch_id,
        respondent_category=category, channel=channel, ratings=ratings,
        organ_opinions=[{"organ_id": o, "text": t} for o, t in opinions], overall_opinion=overall,
        submitted_on=on, flags=[]))


# --- an office's reporting, on the in-memory fakes --------------------------------------------------

def office(region: str, bus=None):
    """A reporting context on memory fakes; offices given the same bus share it."""
    from services.reporting.context import ReportingContext
    from shared.bus.memory import MemoryBus
    from shared.config import Settings

    ctx = ReportingContext(Settings(service="reporting", office_region=region, projection_url="memory:",
                                    bus_url="memory:", topic_prefix="t"))
    ctx.bus = bus or MemoryBus()
    return ctx


def loaded(region: str, events) -> "ReportingContext":  # noqa: F821
    """An office whose projections hold `events` (those within its jurisdiction)."""
    from services.reporting.runner import LiveConsumer

    ctx = office(region)
    for family in ("visits", "appraisal"):
        ctx.bus.publish(f"t.{family}", [message(e) for e in events if e.family == family])
    LiveConsumer(ctx, FAST).catch_up()
    return ctx
