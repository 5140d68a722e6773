"""Reports on half 2, citizens appraise the organs: campaigns, response rates, scores and
rankings (see domain/scoring.py), opinions. No report shows who answered."""
from __future__ import annotations

from collections import Counter
from typing import Iterator

from services.reporting.domain.scoring import OrganScore, Settings, score_campaign
from services.reporting.domain.stats import rate
from services.reporting.queries.scope import Scope, label_columns
from services.reporting.queries.tables import Column, Table, group
from shared.aggregate import DomainError, NotFound
from shared.contracts.appraisal import (CAMPAIGN_STATUSES, CHANNELS, DIMENSIONS, GRADES, OPINION_FLAGS,
                                        ORGAN_CATEGORIES, RESPONDENT_CATEGORIES, rating_answers)
from shared.projections import ProjectionStore
from shared.regions import within


class ResultsSealed(DomainError):
    """The campaign's results are sealed (封存) until it closes."""
    status = 409
    code = "sealed"


CAMPAIGN_COLUMNS = [
    Column("region_name", "组织单位地区", "text"), Column("status_name", "状态", "text"), Column("sealed", "结果封存", "flag"),
    Column("opened_on", "开始日期", "text"), Column("closed_on", "结束日期", "text"), Column("targets", "评议对象数"),
    Column("issued", "发放问卷(份)"), Column("responses", "回收问卷(份)"), Column("response_rate", "回收率", "rate"),
    Column("opinions", "网上意见(条)"),
]
ORGAN_COLUMNS = [
    Column("category_name", "序列", "text"), Column("region_name", "地区", "text"), Column("valid_n", "有效样本数"),
    Column("score", "综合得分", "score"), Column("satisfaction_rate", "满意率", "rate"),
    Column("pooled_score", "综合得分(不加权)", "score"), Column("pooled_satisfaction_rate", "满意率(不加权)", "rate"),
    Column("weighted_score", "综合得分(加权)", "score"), Column("weighted_satisfaction_rate", "满意率(加权)", "rate"),
    Column("unknown_share", "不了解占比", "rate"), Column("grade_name", "等次", "text"),
    Column("rank_in_category", "序列内排名"), Column("rank_overall", "总排名"), Column("bottom", "序列末位", "flag"),
    Column("low_n", "样本不足", "flag"), Column("opinions", "意见(条)"),
]
DIMENSION_COLUMNS = [
    Column("dimension", "评议内容代码", "text"), Column("dimension_name", "评议内容", "text"),
    Column("answers", "答题数"), Column("valid_n", "有效样本数"), Column("unknown_share", "不了解占比", "rate"),
    Column("satisfaction_rate", "满意率(不加权)", "rate"), Column("composite", "综合得分(不加权)", "score"),
    Column("weighted_satisfaction_rate", "满意率(加权)", "rate"), Column("weighted_composite", "综合得分(加权)", "score"),
]
RESPONSE_COLUMNS = [
    Column("issued", "发放(份)"), Column("responses", "回收(份)"), Column("response_rate", "回收率", "rate"),
    Column("quota", "计划人数"), Column("quota_rate", "完成计划比例", "rate"),
    Column("over_returned", "回收超过发放的批次"),
]
BATCH_COLUMNS = [
    Column("respondent_category_name", "参评人员类别", "text"), Column("channel_name", "渠道", "text"),
    Column("issued_on", "发放日期", "text"), Column("issued", "发放(份)"), Column("responses", "回收(份)"),
    Column("response_rate", "回收率", "rate"), Column("over_returned", "回收超过发放", "flag"),
]
OPINION_COLUMNS = [
    Column("organ_name", "评议对象", "text"), Column("text", "意见内容", "text"), Column("from_name", "来源", "text"),
    Column("channel_name", "渠道", "text"), Column("submitted_on", "日期", "text"), Column("flags", "异常标记", "list"),
]


# --- campaigns ----------------------------------------------------------------------------------

def campaign(store: ProjectionStore, scope: Scope, campaign_id: str) -> dict:
    """The campaign, if this scope may see it (404 otherwise: its existence is not revealed)."""
    row = store.get("campaigns", campaign_id)
    if row is None or not within(scope.region, row["region"]):
        raise NotFound(f"No campaign {campaign_id} in region {scope.region}.")
    return row


def campaigns_table(store: ProjectionStore, scope: Scope) -> Table:
    campaigns = sorted(scope.rows(store, "campaigns", ["title", "region", "status", "sealed", "opened_on", "closed_on",
                                                       "targets", "office"]),
                       key=lambda c: (c.get("opened_on") or "", c["_id"]), reverse=True)
    issued = Counter()
    for b in store.scan("batches", None, ["campaign_id", "issued"]):
        issued[b["campaign_id"]] += b["issued"]
    responses = Counter(r["campaign_id"] for r in store.scan("responses", None, ["campaign_id"]))
    opinions = Counter(o["campaign_id"] for o in store.scan("opinions", {"hidden": False}, ["campaign_id"]))
    rows = []
    for c in campaigns:
        rows.append({"key": c["_id"], "name": c["title"], "region": c["region"], "region_name": scope.name_of(c["region"]),
                     "status": c["status"], "status_name": CAMPAIGN_STATUSES[c["status"]], "sealed": c["sealed"],
                     "opened_on": c["opened_on"], "closed_on": c["closed_on"], "targets": len(c["targets"]),
                     "issued": issued[c["_id"]], "responses": responses[c["_id"]],
                     "response_rate": rate(responses[c["_id"]], issued[c["_id"]]), "opinions": opinions[c["_id"]],
                     "office": c.get("office")})  # (not a column: the office running it)
    columns = [Column("key", "评议活动编号", "text"), Column("name", "评议活动", "text"), *CAMPAIGN_COLUMNS]
    return Table("campaigns", "评议活动", columns, rows)


def responses_of(store: ProjectionStore, scope: Scope, campaign_id: str, fields: list[str]) -> Iterator[dict]:
    """The campaign's responses submitted in the scope's period, one at a time, with `fields`."""
    return (r for r in store.scan("responses", {"campaign_id": campaign_id}, [*fields, "submitted_on"])
            if scope.period.contains(r["submitted_on"]))


def campaign_meta(store: ProjectionStore, row: dict, settings: Settings, responses: int) -> dict:
    issued = sum(b["issued"] for b in store.scan("batches", {"campaign_id": row["_id"]}, ["issued"]))
    return {"campaign": {"id": row["_id"], "title": row["title"], "status": row["status"], "sealed": row["sealed"],
                         "weighted": settings.category_weights is not None, "min_valid_n": settings.min_valid_n,
                         "bottom_n": settings.bottom_n, "issued": issued, "responses": responses,
                         "response_rate": rate(responses, issued)}}


# --- scores -------------------------------------------------------------------------------------

def scored_campaign(store: ProjectionStore, scope: Scope, campaign_id: str) -> tuple[dict, Settings, list[OrganScore]]:
    """(campaign row, settings, organ scores); refuses a sealed campaign."""
    row = campaign(store, scope, campaign_id)
    if row["sealed"] and row["status"] != "closed":
        raise ResultsSealed(f"The results of campaign {campaign_id} are sealed until it closes.")
    settings = Settings.from_campaign(row["scoring"], row["respondent_categories"])
    # The ratings stream into the scoring one response at a time; it keeps counts, not answers.
    ratings = ((organ, dimension, r["respondent_category"], level)
               for r in responses_of(store, scope, campaign_id, ["respondent_category", "ratings"])
               for organ, dimension, level in answers(r["ratings"]))
    organs = score_campaign({t["organ_id"]: t["category"] for t in row["targets"]}, ratings, settings)
    return row, settings, organs


def answers(ratings: list) -> Iterator[tuple[str, str, str]]:
    """(organ, dimension, level) of each answer in a response row's ratings: one object per organ
    (QuestionnaireSubmitted v2), or one [organ, dimension, level] per answer in rows written
    before v2, which a generation keeps until the next rebuild."""
    if ratings and type(ratings[0]) is list:
        return map(tuple, ratings)
    return rating_answers(ratings)


def organs_table(store: ProjectionStore, scope: Scope, campaign_id: str) -> Table:
    row, settings, organs = scored_campaign(store, scope, campaign_id)
    targets = {t["organ_id"]: t for t in row["targets"]}
    responses, opinions = opinion_counts(store, scope, campaign_id)
    grades = {code: name for code, name, _ in settings.grade_bands}
    rows = [organ_row(o, targets[o.organ_id], scope, grades, opinions[o.organ_id]) for o in organs]
    rows.sort(key=lambda r: (r["category"], r["rank_in_category"] is None, r["rank_in_category"] or 0, r["name"]))
    return Table("organs", "机关评议得分与排名", label_columns("organ") + ORGAN_COLUMNS, rows,
                 meta=campaign_meta(store, row, settings, responses))


def organ_row(o: OrganScore, target: dict, scope: Scope, grades: dict, opinions: int) -> dict:
    answers = sum(d.pooled.answers for d in o.dimensions.values())
    unknown = sum(d.pooled.unknown for d in o.dimensions.values())
    return {
        "key": o.organ_id, "name": target["name"], "category": o.category,
        "category_name": ORGAN_CATEGORIES.get(o.category, o.category), "region": target["region"],
        "region_name": scope.name_of(target["region"]), "valid_n": o.valid_n,
        "score": o.score, "satisfaction_rate": o.weighted_satisfaction_rate if o.weighted_score is not None
        else o.pooled_satisfaction_rate,
        "pooled_score": o.pooled_score, "pooled_satisfaction_rate": o.pooled_satisfaction_rate,
        "weighted_score": o.weighted_score, "weighted_satisfaction_rate": o.weighted_satisfaction_rate,
        "unknown_share": rate(unknown, answers), "grade": o.grade,
        "grade_name": grades.get(o.grade, GRADES.get(o.grade)) if o.grade else None,
        "rank_in_category": o.rank_in_category, "rank_overall": o.rank_overall, "bottom": o.bottom, "low_n": o.low_n,
        "opinions": opinions,
    }


def dimensions_table(store: ProjectionStore, scope: Scope, campaign_id: str) -> Table:
    """Per organ × dimension: valid n, 不了解 share, satisfaction rate and composite, pooled and weighted."""
    row, settings, organs = scored_campaign(store, scope, campaign_id)
    targets = {t["organ_id"]: t for t in row["targets"]}
    rows = []
    for o in sorted(organs, key=lambda o: (o.category, targets[o.organ_id]["name"])):
        for dimension, d in o.dimensions.items():
            rows.append({"key": o.organ_id, "name": targets[o.organ_id]["name"], "dimension": dimension,
                         "dimension_name": DIMENSIONS.get(dimension, dimension), "answers": d.pooled.answers,
                         "valid_n": d.pooled.valid, "unknown_share": d.pooled.unknown_share,
                         "satisfaction_rate": d.pooled.satisfaction_rate, "composite": d.pooled.composite,
                         "weighted_satisfaction_rate": d.weighted_satisfaction_rate,
                         "weighted_composite": d.weighted_composite})
    return Table("dimensions", "分项评议结果", label_columns("organ") + DIMENSION_COLUMNS, rows,
                 meta=campaign_meta(store, row, settings, sum(1 for _ in responses_of(store, scope, campaign_id, []))))


# --- responses ----------------------------------------------------------------------------------

def responses_table(store: ProjectionStore, scope: Scope, campaign_id: str, by: str = "respondent_category") -> Table:
    """Response rates (returned ÷ issued) by respondent category, channel or batch; a batch that
    returned more than it issued is flagged."""
    row = campaign(store, scope, campaign_id)
    batches = store.find("batches", {"campaign_id": campaign_id})
    returned, answered = Counter(), Counter()  # responses per batch, per category or channel
    for r in responses_of(store, scope, campaign_id, ["batch_id", "respondent_category", "channel"]):
        returned[r["batch_id"]] += 1
        if by != "batch":
            answered[r[by]] += 1
    over = {b["_id"] for b in batches if returned[b["_id"]] > b["issued"]}

    def figures(members: list[dict], responses: int, quota: int | None = None) -> dict:
        issued = sum(b["issued"] for b in members)
        return {"issued": issued, "responses": responses, "response_rate": rate(responses, issued),
                "quota": quota, "quota_rate": rate(responses, quota) if quota else None,
                "over_returned": sum(b["_id"] in over for b in members)}

    if by == "batch":
        rows = [{"key": b["_id"], "name": b["label"] or b["_id"], "respondent_category": b["respondent_category"],
                 "respondent_category_name": RESPONDENT_CATEGORIES[b["respondent_category"]],
                 "channel": b["channel"], "channel_name": CHANNELS[b["channel"]], "issued_on": b["issued_on"],
                 "issued": b["issued"], "responses": returned[b["_id"]],
                 "response_rate": rate(returned[b["_id"]], b["issued"]), "over_returned": b["_id"] in over}
                for b in sorted(batches, key=lambda b: (b["issued_on"], b["_id"]))]
        columns = BATCH_COLUMNS
    elif by in ("respondent_category", "channel"):
        quotas = {g["category"]: g.get("quota") for g in row["respondent_categories"]}
        names = RESPONDENT_CATEGORIES if by == "respondent_category" else CHANNELS
        keys = [g["category"] for g in row["respondent_categories"]] if by == "respondent_category" else list(CHANNELS)
        keys += sorted(set(answered) - set(keys))
        b_groups = group(batches, lambda b: [b[by]])
        rows = [{"key": k, "name": names.get(k, k),
                 **figures(b_groups.get(k, []), answered[k], quotas.get(k) if by != "channel" else None)}
                for k in keys]
        columns = RESPONSE_COLUMNS
    else:
        raise ValueError(f"responses cannot be cut by {by!r}")
    quota = sum(q for q in (g.get("quota") for g in row["respondent_categories"]) if q) or None
    return Table("responses", "问卷回收", label_columns(by) + columns, rows, figures(batches, returned.total(), quota),
                 meta={"campaign": {"id": row["_id"], "title": row["title"]}})


# --- opinions -----------------------------------------------------------------------------------

def opinion_counts(store: ProjectionStore, scope: Scope, campaign_id: str) -> tuple[int, Counter]:
    """(responses in the period, opinions per organ: online ones not hidden, and those written on
    the responses)."""
    counts = Counter(o["organ_id"] for o in store.scan("opinions", {"campaign_id": campaign_id, "hidden": False},
                                                       ["organ_id"]))
    responses = 0
    for r in responses_of(store, scope, campaign_id, ["organ_opinions"]):
        responses += 1
        counts.update(op["organ_id"] for op in r["organ_opinions"])
    return responses, counts


def opinions_table(store: ProjectionStore, scope: Scope, campaign_id: str, organ_id: str | None = None) -> Table:
    """Opinions and suggestions, online and written on questionnaires — the text, never who wrote it.
    Opinions hidden by moderation are left out (and counted)."""
    row = campaign(store, scope, campaign_id)
    names = {t["organ_id"]: t["name"] for t in row["targets"]}
    rows, hidden = [], 0
    for o in store.scan("opinions", {"campaign_id": campaign_id},
                        ["organ_id", "text", "channel", "submitted_on", "flags", "hidden"]):
        if scope.period.contains(o["submitted_on"]):
            hidden += o["hidden"]
            if not o["hidden"]:
                rows.append({"organ_id": o["organ_id"], "text": o["text"], "from": "online", "channel": o["channel"],
                             "submitted_on": o["submitted_on"], "flags": [OPINION_FLAGS[f] for f in o["flags"]]})
    for r in responses_of(store, scope, campaign_id, ["organ_opinions", "overall_opinion", "channel"]):
        rows += [{"organ_id": op["organ_id"], "text": op["text"], "from": "questionnaire", "channel": r["channel"],
                  "submitted_on": r["submitted_on"], "flags": []} for op in r["organ_opinions"]]
        if r["overall_opinion"]:
            rows.append({"organ_id": None, "text": r["overall_opinion"], "from": "questionnaire",
                         "channel": r["channel"], "submitted_on": r["submitted_on"], "flags": []})
    if organ_id:
        rows = [r for r in rows if r["organ_id"] == organ_id]
    for r in rows:
        r.update(organ_name=names.get(r["organ_id"], "总体意见" if r["organ_id"] is None else r["organ_id"]),
                 from_name={"online": "网上征求意见", "questionnaire": "问卷"}[r["from"]],
                 channel_name=CHANNELS[r["channel"]])
    rows.sort(key=lambda r: (r["submitted_on"], r["organ_name"], r["text"]), reverse=True)
    return Table("opinions", "意见建议", OPINION_COLUMNS, rows,
                 meta={"campaign": {"id": row["_id"], "title": row["title"]}, "hidden": hidden})
