"""The visits service's event family (topic `shuangwan.visits`): its own types plus the ledger's.

Conventions every type follows, so a consumer never needs a lookup:
- the aggregate's own id is the CloudEvents `subject` (the Kafka key); payloads carry the ids
  of the other records they refer to (organ, cadres, point, problems);
- every payload carries `region`, the 6-digit code of the place or organ it concerns;
- dates are ISO dates in China Standard Time; money is yuan as an exact decimal string with two
  places ("10000.00"), never a float;
- lists hold strings or objects, never lists; no dict is keyed by user input;
- figures that accumulate (a point's funds, a pairing's days on site) are carried both as the
  increment and as the running total after the event, so a projection can simply overwrite.
"""
from marshmallow import fields, validate

from shared.contracts.organs import ORGAN_CATEGORIES
from shared.events import EventRegistry, Schema
from shared.jsonschema import Money
from shared.ledger.events import register_ledger

VISITS = EventRegistry("visits")
register_ledger(VISITS)

# --- vocabularies -----------------------------------------------------------------------------

# (ORGAN_CATEGORIES imported above: the organs' categories, 序列)
TIERS = ("province", "city", "county")
RANKS = {  # lowest first
    "clerk": "科员及以下", "deputy_section": "副科级", "section": "正科级", "deputy_county": "副处级/副县级",
    "county": "正处级/正县级", "deputy_bureau": "副厅级", "bureau": "正厅级及以上",
}
PLACE_TYPES = {
    "enterprise": "企业", "village": "农村", "community": "社区", "industrial_park": "工业园区",
    "subordinate_unit": "机关下属企事业单位",
}
ACTIVITIES = {
    # 三问 three asks
    "ask_governance": "问政于民", "ask_needs": "问需于民", "ask_advice": "问计于民",
    # 三送 three deliveries
    "deliver_policy": "送政策", "deliver_service": "送服务", "deliver_warmth": "送温暖",
    # 三学 three learnings
    "learn_from_cadres": "学基层干部", "learn_from_people": "学人民群众", "learn_from_practice": "学实践经验",
}
PAIRING_KINDS = {
    "cadre_household": "干部结对困难户", "cadre_enterprise": "干部结对困难企业",
    "organ_village": "机关党组织结对村党组织", "organ_point": "机关党组织结对新农村建设点党组织",
}
PUBLISH_CHANNELS = {"journal": "内刊", "intranet": "内网"}


def Text(n: int, **kw):
    return fields.Str(validate=validate.Length(1, n), **kw)


def Region(**kw):
    return fields.Str(validate=validate.Regexp(r"^\d{6}$"), **kw)


def Yuan(positive: bool = False, **kw):
    """Yuan as an exact decimal string with two places ("10000.00")."""
    return Money(positive=positive, metadata={"description": "yuan (元)"}, **kw)


def Count(**kw):
    return fields.Int(validate=validate.Range(min=0), **kw)


def Ids(**kw):
    return fields.List(fields.Str(validate=validate.Length(1, 100)), **kw)


def OneOf(choices, **kw):
    return fields.Str(validate=validate.OneOf(list(choices)), **kw)


Optional = dict(load_default=None, allow_none=True)

# --- organs and cadres ------------------------------------------------------------------------


@VISITS.event("OrganRegistered")
class OrganRegistered(Schema):
    """An organ (机关单位) was registered, with its category (序列), tier and region."""
    name = Text(200, required=True)
    category = OneOf(ORGAN_CATEGORIES, required=True)
    tier = OneOf(TIERS, required=True)   # follows the region code: 360700 → city
    region = Region(required=True)


class CadreFacts(Schema):
    name = Text(100, required=True)
    position = Text(200, **Optional)      # 职务, free text
    rank = OneOf(RANKS, required=True)
    organ_id = fields.Str(required=True)
    organ_name = Text(200, required=True)
    organ_category = OneOf(ORGAN_CATEGORIES, required=True)
    organ_tier = OneOf(TIERS, required=True)
    region = Region(required=True)        # the organ's region
    leading = fields.Bool(required=True)  # 领导干部: derived from rank and organ tier, never typed in


@VISITS.event("CadreRegistered")
class CadreRegistered(CadreFacts):
    """A cadre (干部) was registered in an organ; `leading` says whether they are a leading cadre (领导干部)."""


@VISITS.event("CadreUpdated")
class CadreUpdated(CadreFacts):
    """A cadre's rank, position or organ changed (the whole new state, `leading` re-derived)."""
    changed_on = fields.Date(required=True)


# --- visits -----------------------------------------------------------------------------------


class Fund(Schema):
    purpose = Text(200, required=True)
    amount_yuan = Yuan(required=True)


class Item(Schema):
    name = Text(200, required=True)
    count = fields.Int(required=True, validate=validate.Range(min=1))


class PolicySession(Schema):
    topic = Text(200, required=True)
    attendance = Count(required=True)


@VISITS.event("VisitLogged")
class VisitLogged(Schema):
    """Cadres went down to the grassroots (下基层): who, when, where, which 三问/三送/三学, what was delivered."""
    cadre_ids = Ids(required=True, validate=validate.Length(min=1))
    leading_cadre_ids = Ids(required=True)  # those of `cadre_ids` who are leading cadres on the visit date
    organ_ids = Ids(required=True, validate=validate.Length(min=1))
    region = Region(required=True)          # where the visit took place
    visited_on = fields.Date(required=True)
    place_type = OneOf(PLACE_TYPES, required=True)
    place_name = Text(200, required=True)
    activities = fields.List(OneOf(ACTIVITIES), required=True, validate=validate.Length(min=1))
    people_reached = Count(required=True)
    households_reached = Count(required=True)
    notes = Text(4000, **Optional)
    funds = fields.List(fields.Nested(Fund), required=True)
    items = fields.List(fields.Nested(Item), required=True)
    services = fields.List(Text(500), required=True)
    policy_sessions = fields.List(fields.Nested(PolicySession), required=True)
    funds_total_yuan = Yuan(required=True)
    items_total = Count(required=True)            # sum of the items' counts
    policy_attendance_total = Count(required=True)
    problem_ids = Ids(required=True)              # problems it raised on the ledger (source "visit")


@VISITS.event("VisitCancelled")
class VisitCancelled(Schema):
    """A visit logged in error was cancelled (撤销); its figures no longer count. Its problems stay on the ledger."""
    reason = Text(2000, required=True)
    cancelled_on = fields.Date(required=True)
    region = Region(required=True)
    visited_on = fields.Date(required=True)
    cadre_ids = Ids(required=True)


# --- research reports -------------------------------------------------------------------------


@VISITS.event("ResearchReportSubmitted")
class ResearchReportSubmitted(Schema):
    """A cadre submitted a research report (调研报告); leading cadres each owe one."""
    cadre_id = fields.Str(required=True)
    cadre_name = Text(100, required=True)
    organ_id = fields.Str(required=True)
    leading = fields.Bool(required=True)  # whether the author was a leading cadre when submitting
    region = Region(required=True)        # the author's organ's region
    title = Text(200, required=True)
    summary = Text(8000, required=True)
    attachment_ref = Text(500, **Optional)  # where the full text is kept (a document store reference)
    submitted_on = fields.Date(required=True)


# --- construction points and 三个一 ------------------------------------------------------------


@VISITS.event("ConstructionPointRegistered")
class ConstructionPointRegistered(Schema):
    """A new-countryside construction point (新农村建设点) was registered for the 三个一 task."""
    name = Text(200, required=True)
    region = Region(required=True)
    organ_id = fields.Str(load_default=None, allow_none=True)  # the organ responsible for it, if any
    registered_on = fields.Date(required=True)


class PointProgress(Schema):
    """三个一 totals after the event, and whether the point is now compliant."""
    region = Region(required=True)
    instructors_total = Count(required=True)
    funds_total_yuan = Yuan(required=True)
    computers_total = Count(required=True)
    compliant = fields.Bool(required=True)  # ≥ 1 instructor, ≥ ¥10,000, ≥ 1 computer


@VISITS.event("InstructorAssigned")
class InstructorAssigned(PointProgress):
    """A party-building instructor (党建工作指导员) was sent to a construction point."""
    instructor_name = Text(100, required=True)
    cadre_id = fields.Str(load_default=None, allow_none=True)
    organ_id = fields.Str(load_default=None, allow_none=True)
    assigned_on = fields.Date(required=True)


@VISITS.event("PointFundsGiven")
class PointFundsGiven(PointProgress):
    """Funds for the party members' activity room (党员活动室建设经费) were given to a construction point."""
    amount_yuan = Yuan(positive=True, required=True)
    organ_id = fields.Str(load_default=None, allow_none=True)
    given_on = fields.Date(required=True)


@VISITS.event("ComputersDonated")
class ComputersDonated(PointProgress):
    """Computers for party members' use were donated to a construction point (捐赠电脑)."""
    count = fields.Int(required=True, validate=validate.Range(min=1))
    organ_id = fields.Str(load_default=None, allow_none=True)
    donated_on = fields.Date(required=True)


# --- pairings ---------------------------------------------------------------------------------


@VISITS.event("PairingStarted")
class PairingStarted(Schema):
    """A pairing started: cadre ↔ household or enterprise (结对帮扶), organ ↔ village or point (结对共建)."""
    kind = OneOf(PAIRING_KINDS, required=True)
    organ_id = fields.Str(required=True)                       # the organ (the cadre's, for cadre pairings)
    cadre_id = fields.Str(load_default=None, allow_none=True)  # cadre pairings only
    point_id = fields.Str(load_default=None, allow_none=True)  # organ_point pairings only
    partner_name = Text(200, required=True)                    # the household, enterprise or party organisation
    region = Region(required=True)                             # where the partner is
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)                        # planned end
    required_days = Count(required=True)                       # days on site required over the pairing


@VISITS.event("PairingDaysLogged")
class PairingDaysLogged(Schema):
    """Days spent on site (驻点天数) for a pairing were logged."""
    days = fields.Int(required=True, validate=validate.Range(min=1))
    on = fields.Date(required=True)   # the last day of the stay being logged
    note = Text(2000, **Optional)
    region = Region(required=True)
    days_total = Count(required=True)
    required_days = Count(required=True)


@VISITS.event("PairingEnded")
class PairingEnded(Schema):
    """A pairing ended (结对结束), with whether its required days on site were met."""
    ended_on = fields.Date(required=True)
    outcome = Text(2000, **Optional)
    region = Region(required=True)
    days_total = Count(required=True)
    required_days = Count(required=True)
    days_met = fields.Bool(required=True)


# --- good practices ---------------------------------------------------------------------------


@VISITS.event("PracticeSubmitted")
class PracticeSubmitted(Schema):
    """An organ reported a good practice (好的经验做法) to the working committee."""
    organ_id = fields.Str(required=True)
    organ_name = Text(200, required=True)
    organ_category = OneOf(ORGAN_CATEGORIES, required=True)
    region = Region(required=True)   # the organ's region
    title = Text(200, required=True)
    summary = Text(8000, required=True)
    submitted_on = fields.Date(required=True)


@VISITS.event("PracticePublished")
class PracticePublished(Schema):
    """The working committee published a good practice in its internal journal and/or intranet (内刊内网)."""
    organ_id = fields.Str(required=True)
    region = Region(required=True)
    channels = fields.List(OneOf(PUBLISH_CHANNELS), required=True, validate=validate.Length(min=1))
    issue = Text(100, **Optional)    # e.g. the journal issue (期号)
    published_on = fields.Date(required=True)


@VISITS.event("PracticeDeclined")
class PracticeDeclined(Schema):
    """The working committee declined to publish a good practice, with its reason (不予刊发)."""
    organ_id = fields.Str(required=True)
    region = Region(required=True)
    reason = Text(2000, required=True)
    declined_on = fields.Date(required=True)


# --- report meetings on advanced grassroots examples (三学) -----------------------------------


class Exemplar(Schema):
    """One advanced grassroots example (先进典型) who reported at a meeting."""
    name = Text(100, required=True)
    unit = Text(200, required=True)   # their village, enterprise, community or unit
    deeds = Text(2000, **Optional)    # what they are an example of (事迹)


@VISITS.event("ExemplarMeetingHeld")
class ExemplarMeetingHeld(Schema):
    """A report meeting on advanced grassroots examples was held (先进典型报告会, 三学): who reported,
    and how many cadres attended."""
    region = Region(required=True)   # where the office holding it sits
    held_on = fields.Date(required=True)
    title = Text(200, required=True)
    place = Text(200, **Optional)
    host = Text(200, **Optional)     # who held it, e.g. the working committee (机关工委)
    exemplars = fields.List(fields.Nested(Exemplar), required=True, validate=validate.Length(min=1))
    attendance = Count(required=True)
    notes = Text(4000, **Optional)


@VISITS.event("ExemplarMeetingCancelled")
class ExemplarMeetingCancelled(Schema):
    """A meeting recorded in error was cancelled (撤销); it no longer counts."""
    region = Region(required=True)
    held_on = fields.Date(required=True)
    reason = Text(2000, required=True)
    cancelled_on = fields.Date(required=True)
