"""The appraisal service's event family (topic `shuangwan.appraisal`): its own types plus the ledger's.

Citizens appraise the organs (组织群众评机关): campaigns (评议活动) with their target organs
(评议对象), respondent categories (参评人员类别), scoring settings and questionnaire versions;
one-time invitation batches and paper batches; questionnaire submissions (问卷测评); online
opinions (网上征求意见) with their anti-stuffing flags; sealing of results.

Conventions every type follows, so a consumer never needs a lookup:
- the aggregate's own id is the CloudEvents `subject` (the Kafka key): `campaign-…`, `batch-…`,
  `response-…`, `opinion-…`; payloads carry the ids of the other records they refer to
  (`campaign_id`, `batch_id`, `organ_id`);
- every payload carries `region`, the 6-digit code of the office running the campaign
  (organs carry their own region too);
- dates are ISO dates in China Standard Time; instants are ISO timestamps in UTC;
- every per-campaign setting is an integer (points, weights, thresholds): no floats anywhere;
  weights are relative and a consumer renormalises them over what has valid answers;
- lists hold strings or objects, never lists; no dict is keyed by user input;
- CampaignDrafted, CampaignAmended and CampaignOpened each carry the whole campaign definition
  (targets, respondent categories, scoring, opinion limits, questionnaire), so a projection can
  simply overwrite; what CampaignOpened carries is what the campaign is scored by.
- no event carries who answered; identifiers kept against duplicates (IP, device, phone) are
  keyed hashes (HMAC-SHA256 with the office's secret hash key), never the raw value.
"""
from typing import Iterator

from marshmallow import fields, validate

from shared.contracts.organs import ORGAN_CATEGORIES
from shared.events import EventRegistry, Schema
from shared.ledger.events import register_ledger

APPRAISAL = EventRegistry("appraisal")
register_ledger(APPRAISAL)

# --- vocabularies -----------------------------------------------------------------------------

# (ORGAN_CATEGORIES, 评议对象的序列, imported above: organs are ranked within these)
RESPONDENT_CATEGORIES = {  # 参评人员类别
    "party_congress_deputy": "党代表", "npc_deputy": "人大代表", "cppcc_member": "政协委员",
    "democratic_party": "民主党派人士", "department_staff": "部门干部职工", "retiree": "离退休人员",
    "military": "部队官兵", "enterprise_legal_rep": "企业法人代表", "employee_or_trader": "企业职工和个体工商户",
    "village_cadre": "村干部", "farmer_or_resident": "农民和社区居民代表",
    "clean_government_supervisor": "党风廉政建设特邀监督员",
}
DIMENSIONS = {  # 评议内容: the five dimensions
    "serving_overall": "服务大局", "work_quality": "工作质量", "service_attitude": "服务态度",
    "cadre_conduct": "干部作风", "organ_image": "机关形象",
}
LEVELS = {  # the answer scale; `unknown` (不了解) is excluded from valid answers by default
    "satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意", "unknown": "不了解",
}
GRADES = {"satisfied": "满意", "fairly_satisfied": "比较满意", "basically_satisfied": "基本满意",
          "dissatisfied": "不满意"}
CAMPAIGN_STATUSES = {"draft": "草稿", "open": "进行中", "closed": "已结束"}
CHANNELS = {"online": "网上", "paper": "纸质问卷", "phone": "电话"}
OVER_LIMIT_ACTIONS = {"flag": "标记", "block": "拒绝"}
OPINION_FLAGS = {
    "ip_rate": "同一网络提交过多", "device_rate": "同一设备提交过多",
    "phone_repeat": "同一手机号重复提交", "organ_burst": "该单位一小时内意见激增",
}
RESPONSE_FLAGS = {"batch_over_returned": "回收份数超过发放份数"}


def Text(n: int, **kw):
    return fields.Str(validate=validate.Length(1, n), **kw)


def Region(**kw):
    return fields.Str(validate=validate.Regexp(r"^\d{6}$"), **kw)


def OneOf(choices, **kw):
    return fields.Str(validate=validate.OneOf(list(choices)), **kw)


def Points(**kw):
    return fields.Int(validate=validate.Range(0, 100), **kw)


def Count(**kw):
    return fields.Int(validate=validate.Range(min=0), **kw)


def Id(**kw):
    return fields.Str(validate=validate.Length(1, 100), **kw)


Optional = dict(load_default=None, allow_none=True)

# --- parts of a campaign's definition -----------------------------------------------------------


class Target(Schema):
    """A target organ (评议对象) with its category (序列) and region."""
    organ_id = Id(required=True)
    name = Text(200, required=True)
    category = OneOf(ORGAN_CATEGORIES, required=True)
    region = Region(required=True)


class RespondentGroup(Schema):
    """A respondent category (参评人员类别) with its quota and optional weight (null: unweighted)."""
    category = OneOf(RESPONDENT_CATEGORIES, required=True)
    quota = Count(**Optional)   # how many respondents the office plans to invite
    weight = Count(**Optional)  # relative weight; null for all means pooled scoring (the default)


class LevelPoints(Schema):
    """Points per answer level (default 满意 100, 基本满意 70, 不满意 0)."""
    satisfied = Points(required=True)
    basically_satisfied = Points(required=True)
    dissatisfied = Points(required=True)
    unknown = Points(required=True)  # used only when `unknown_is_valid`


class DimensionWeight(Schema):
    dimension = OneOf(DIMENSIONS, required=True)
    weight = fields.Int(required=True, validate=validate.Range(min=1))


class GradeBand(Schema):
    """A score ≥ `min_score` (and below the next band up) gets this grade."""
    grade = OneOf(GRADES, required=True)
    name = Text(20, required=True)
    min_score = Points(required=True)


class Scoring(Schema):
    """How the campaign is scored (see DOMAIN.md, Rules): every figure a scorer needs."""
    level_points = fields.Nested(LevelPoints, required=True)
    unknown_is_valid = fields.Bool(required=True)  # default false: 不了解 excluded, its share reported apart
    dimension_weights = fields.List(fields.Nested(DimensionWeight), required=True)  # default equal
    grade_bands = fields.List(fields.Nested(GradeBand), required=True)  # highest first
    bottom_n = Count(required=True)                # flagged at the bottom of each category (default 3)
    min_valid_n = Count(required=True)             # below this a score is unreliable (default 30)


class OpinionLimits(Schema):
    """Online opinion limits: counts within the past hour; over a limit is flagged or blocked."""
    per_ip_per_hour = fields.Int(required=True, validate=validate.Range(min=1))
    per_device_per_hour = fields.Int(required=True, validate=validate.Range(min=1))
    over_limit = OneOf(OVER_LIMIT_ACTIONS, required=True)  # default "flag": shared networks are common
    organ_burst_per_hour = fields.Int(required=True, validate=validate.Range(min=1))  # always a flag


class Choice(Schema):
    code = fields.Str(required=True)
    name = Text(50, required=True)


class DimensionQuestion(Schema):
    code = OneOf(DIMENSIONS, required=True)
    name = Text(50, required=True)
    prompt = Text(500, **Optional)


class Questionnaire(Schema):
    """One version of a campaign's questionnaire (问卷): frozen once the campaign opens."""
    version = fields.Int(required=True, validate=validate.Range(min=1))
    title = Text(200, required=True)
    instructions = Text(4000, **Optional)
    dimensions = fields.List(fields.Nested(DimensionQuestion), required=True)
    levels = fields.List(fields.Nested(Choice), required=True)
    organ_opinion = fields.Bool(required=True)    # asks a free-text opinion per organ
    overall_opinion = fields.Bool(required=True)  # asks a free-text opinion overall


class CampaignDefinition(Schema):
    title = Text(200, required=True)
    region = Region(required=True)
    starts_on = fields.Date(**Optional)
    ends_on = fields.Date(**Optional)
    targets = fields.List(fields.Nested(Target), required=True)
    respondent_categories = fields.List(fields.Nested(RespondentGroup), required=True)
    scoring = fields.Nested(Scoring, required=True)
    opinion_limits = fields.Nested(OpinionLimits, required=True)
    questionnaire = fields.Nested(Questionnaire, required=True)  # the current version


# --- campaign ---------------------------------------------------------------------------------


@APPRAISAL.event("CampaignDrafted")
class CampaignDrafted(CampaignDefinition):
    """An office drafted an appraisal campaign (评议活动), with its whole definition; questionnaire v1."""
    created_by = Id(required=True)
    created_on = fields.Date(required=True)


@APPRAISAL.event("CampaignAmended")
class CampaignAmended(CampaignDefinition):
    """A draft campaign's definition was replaced as a whole (only before it opens)."""
    amended_on = fields.Date(required=True)


@APPRAISAL.event("QuestionnaireRevised")
class QuestionnaireRevised(Schema):
    """A new questionnaire version (问卷版本); answers stay tied to the version they answered."""
    region = Region(required=True)
    questionnaire = fields.Nested(Questionnaire, required=True)
    reason = Text(2000, **Optional)
    revised_on = fields.Date(required=True)


@APPRAISAL.event("CampaignOpened")
class CampaignOpened(CampaignDefinition):
    """The campaign opened for answers; its definition and questionnaire version are frozen as carried here."""
    opened_on = fields.Date(required=True)


@APPRAISAL.event("CampaignSealed")
class CampaignSealed(Schema):
    """The office sealed the open campaign's results (封存) until it closes: no report may show its scores."""
    region = Region(required=True)
    reason = Text(2000, **Optional)
    sealed_on = fields.Date(required=True)


@APPRAISAL.event("CampaignClosed")
class CampaignClosed(Schema):
    """The campaign closed: no more answers or opinions; a seal, if any, is lifted."""
    region = Region(required=True)
    closed_on = fields.Date(required=True)


# --- batches ----------------------------------------------------------------------------------


@APPRAISAL.event("InvitationBatchIssued")
class InvitationBatchIssued(Schema):
    """A batch of `count` one-time invitation tokens (邀请码) for one respondent category.

    Tokens are never stored: each is `<batch id>.<serial>.<keyed MAC>`, serials 1…count.
    """
    campaign_id = Id(required=True)
    region = Region(required=True)
    respondent_category = OneOf(RESPONDENT_CATEGORIES, required=True)
    count = fields.Int(required=True, validate=validate.Range(1, 100000))
    label = Text(200, **Optional)
    issued_by = Id(required=True)
    issued_on = fields.Date(required=True)


@APPRAISAL.event("PaperBatchRecorded")
class PaperBatchRecorded(Schema):
    """An office handed out `count` paper (or phone) questionnaires for one respondent category;
    clerks key in the answers against this batch."""
    campaign_id = Id(required=True)
    region = Region(required=True)
    respondent_category = OneOf(RESPONDENT_CATEGORIES, required=True)
    channel = OneOf(("paper", "phone"), required=True)
    count = fields.Int(required=True, validate=validate.Range(1, 100000))
    label = Text(200, **Optional)
    issued_by = Id(required=True)
    issued_on = fields.Date(required=True)


# --- answers ----------------------------------------------------------------------------------


class Rating(Schema):
    """One answer as a respondent gives it (the API's form, and QuestionnaireSubmitted v1's)."""
    organ_id = Id(required=True)
    dimension = OneOf(DIMENSIONS, required=True)
    level = OneOf(LEVELS, required=True)


class OrganRatings(Schema):
    """One organ's row of the questionnaire: its level on each dimension rated. A dimension left
    blank, or not asked by the questionnaire's version, is absent."""
    organ_id = Id(required=True)
    serving_overall = OneOf(LEVELS)
    work_quality = OneOf(LEVELS)
    service_attitude = OneOf(LEVELS)
    cadre_conduct = OneOf(LEVELS)
    organ_image = OneOf(LEVELS)


def ratings_by_organ(ratings: list[dict]) -> list[dict]:
    """`Rating`s as `OrganRatings`, organs in the order they first appear."""
    rows: dict[str, dict] = {}
    for r in ratings:
        rows.setdefault(r["organ_id"], {"organ_id": r["organ_id"]})[r["dimension"]] = r["level"]
    return list(rows.values())


def rating_answers(rows: list[dict]) -> Iterator[tuple[str, str, str]]:
    """(organ_id, dimension, level) of each answer in `OrganRatings` rows: `ratings_by_organ` undone."""
    for row in rows:
        organ_id = row["organ_id"]
        for dimension, level in row.items():
            if dimension != "organ_id":
                yield organ_id, dimension, level


class OrganOpinion(Schema):
    organ_id = Id(required=True)
    text = Text(2000, required=True)


def _questionnaire_v1_to_v2(data: dict) -> dict:
    return {**data, "ratings": ratings_by_organ(data["ratings"])}


# v2 carries the ratings one object per organ, not per answer: the same answers in less than half
# the bytes and a fifth of the objects, which every consumer decodes (a questionnaire of 35 organs:
# 16 KB and 71 µs to parse as v1, 7 KB and 28 µs as v2).
@APPRAISAL.event("QuestionnaireSubmitted", version=2, upcasters={1: _questionnaire_v1_to_v2})
class QuestionnaireSubmitted(Schema):
    """An anonymous questionnaire (问卷) was answered. The stream id is a keyed hash of the
    invitation token (or a random id for keyed-in paper), so a token is spent exactly once.
    v1 had `ratings` as one {organ_id, dimension, level} per answer."""
    campaign_id = Id(required=True)
    region = Region(required=True)
    questionnaire_version = fields.Int(required=True, validate=validate.Range(min=1))
    batch_id = Id(required=True)
    respondent_category = OneOf(RESPONDENT_CATEGORIES, required=True)
    channel = OneOf(CHANNELS, required=True)
    ratings = fields.List(fields.Nested(OrganRatings), required=True)
    organ_opinions = fields.List(fields.Nested(OrganOpinion), required=True)
    overall_opinion = Text(4000, **Optional)
    submitted_on = fields.Date(required=True)
    flags = fields.List(OneOf(RESPONSE_FLAGS), required=True)  # e.g. the batch returned more than it issued


@APPRAISAL.event("OpinionSubmitted")
class OpinionSubmitted(Schema):
    """An online opinion (网上意见) about one organ or in general; `flags` say what looked like
    stuffing (shared networks make these signals, not proof)."""
    campaign_id = Id(required=True)
    region = Region(required=True)
    organ_id = Id(**Optional)                       # null: about the organs in general
    organ_name = Text(200, **Optional)
    organ_category = OneOf(ORGAN_CATEGORIES, **Optional)
    organ_region = Region(**Optional)
    text = Text(4000, required=True)
    channel = OneOf(CHANNELS, required=True)
    submitted_at = fields.AwareDateTime(required=True)  # UTC; rate limits count within the past hour
    submitted_on = fields.Date(required=True)           # CST date
    ip_hash = fields.Str(**Optional)      # keyed hashes, for de-duplication only
    device_hash = fields.Str(**Optional)
    phone_hash = fields.Str(**Optional)
    flags = fields.List(OneOf(OPINION_FLAGS), required=True)


@APPRAISAL.event("OpinionHidden")
class OpinionHidden(Schema):
    """Moderation hid an abusive opinion from public view; its text is kept unaltered."""
    campaign_id = Id(required=True)
    region = Region(required=True)
    reason = Text(2000, required=True)
    hidden_by = Id(required=True)
    hidden_on = fields.Date(required=True)
