"""Report tables computed from projected rows, against figures worked out by hand."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from services.reporting.domain.periods import Period
from services.reporting.queries.appraisal import (ResultsSealed, answers, campaigns_table, dimensions_table,
                                                  opinions_table, organs_table, responses_table)
from services.reporting.queries.overview import overview_table
from services.reporting.queries.problems import overdue_table, problems_table
from services.reporting.queries.scope import Scope
from services.reporting.queries.visits import cadres_table, meetings_table, practices_table, visits_table
from shared.regions import default_regions
from tests.unit.reporting.support import (batch, cadre, campaign_events, cancel, loaded, organ, problem_events,
                                          recorded, referred, report, response, visit)

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
TODAY = date(2026, 11, 1)


def scope(region="360700", period=OCTOBER, campaign_id=None) -> Scope:
    return Scope(region, period, TODAY, default_regions(), campaign_id)


def by_key(table) -> dict:
    return {r["key"]: r for r in table.rows}


# --- visits and cadres --------------------------------------------------------------------------

VISIT_EVENTS = [
    organ("organ-a", "360702"), organ("organ-b", "360703"), organ("organ-c", "360700", name="市直单位"),
    cadre("c1", "organ-a", "360702", leading=True), cadre("c2", "organ-a", "360702", leading=False),
    cadre("c3", "organ-b", "360703", leading=True), cadre("c4", "organ-c", "360700", leading=True),
    cadre("c5", "organ-b", "360703", leading=True),
    visit("v1", "360702", "2026-10-05", ["c1", "c2"], ["c1"], ["organ-a"], "village", ["ask_needs", "deliver_policy"],
          people=10, households=3, funds=("1000.00", "250.50")),
    visit("v2", "360703", "2026-10-06", ["c3"], ["c3"], ["organ-b"], "enterprise", ["ask_advice"], people=5,
          households=0, funds=()),
    visit("v3", "360702", "2026-10-12", ["c4"], ["c4"], ["organ-c"], "community", ["ask_needs"], people=20,
          households=8, funds=("500.00",)),
    visit("v4", "360702", "2026-10-07", ["c2"]), cancel("v4", "360702", "2026-10-07", ["c2"]),
    visit("v5", "360703", "2026-09-28", ["c3"]),
    report("r1", "c1", "360702", True, "2026-10-09"), report("r2", "c2", "360702", False, "2026-10-10"),
    report("r3", "c3", "360703", True, "2026-09-01"),
]


@pytest.fixture(scope="module")
def city():
    return loaded("360700", VISIT_EVENTS).rows()


def test_visits_by_region_roll_up(city):
    table = visits_table(city, scope())
    rows = by_key(table)
    assert [r["key"] for r in table.rows][:3] == ["360700", "360702", "360703"]  # 本级 first, then counties
    assert rows["360700"]["name"] == "赣州市本级" and rows["360700"]["visits"] == 0
    # 章贡区: v1 and v3 (v4 cancelled); cadres c1 c2 c4; leading c1 c4; 10+20 people; 3+8 households
    assert {k: rows["360702"][k] for k in ("visits", "cadres", "leading_cadres", "people_reached",
                                           "households_reached", "funds_yuan")} == \
        {"visits": 2, "cadres": 3, "leading_cadres": 2, "people_reached": 30, "households_reached": 11,
         "funds_yuan": Decimal("1750.50")}
    assert (rows["360703"]["visits"], rows["360703"]["funds_yuan"]) == (1, Decimal("0.00"))  # v5 is September
    assert {k: table.total[k] for k in ("visits", "cadres", "leading_cadres", "people_reached")} == \
        {"visits": 3, "cadres": 4, "leading_cadres": 3, "people_reached": 35}


def test_visits_by_place_activity_organ_and_week(city):
    places = by_key(visits_table(city, scope(), "place_type"))
    assert {k: r["visits"] for k, r in places.items()} == {"enterprise": 1, "village": 1, "community": 1,
                                                           "industrial_park": 0, "subordinate_unit": 0}
    assert places["village"]["name"] == "农村"
    activities = by_key(visits_table(city, scope(), "activity"))
    assert (activities["ask_needs"]["visits"], activities["deliver_policy"]["visits"],
            activities["ask_advice"]["visits"], activities["learn_from_practice"]["visits"]) == (2, 1, 1, 0)
    organs = by_key(visits_table(city, scope(), "organ"))
    assert {k: r["visits"] for k, r in organs.items()} == {"organ-a": 1, "organ-b": 1, "organ-c": 1}
    weeks = visits_table(city, scope(), "week")
    # October 2026: W40 (from Thu 1st) … W44 (to Sat 31st); v1 v2 in W41, v3 in W42
    assert [(r["key"], r["visits"]) for r in weeks.rows] == [("2026-W40", 0), ("2026-W41", 2), ("2026-W42", 1),
                                                            ("2026-W43", 0), ("2026-W44", 0)]
    assert weeks.rows[1]["name"] == "2026-10-05 ~ 2026-10-11"


def test_a_county_scope_sees_its_own_visits(city):
    table = visits_table(city, scope("360702"))
    assert [r["key"] for r in table.rows] == ["360702"] and table.total["visits"] == 2


def test_leading_cadre_coverage_and_report_completion(city):
    table = cadres_table(city, scope())
    rows = by_key(table)
    # 章贡区: c1 (leading, visited, report r1), c2 (visited, report r2 but not leading)
    assert {k: rows["360702"][k] for k in ("cadres", "cadres_visited", "leading", "leading_visited",
                                           "leading_coverage", "reports", "leading_reported",
                                           "report_completion")} == \
        {"cadres": 2, "cadres_visited": 2, "leading": 1, "leading_visited": 1, "leading_coverage": 1,
         "reports": 2, "leading_reported": 1, "report_completion": 1}
    # 南康区: c3 visited (v2), c5 did not → 1/2; c3's report was in September
    assert (rows["360703"]["leading_coverage"], rows["360703"]["report_completion"]) == (0.5, 0)
    # the city's own: c4 visited a county (v3): coverage counts visits wherever they were
    assert rows["360700"]["leading_coverage"] == 1
    # all: 5 cadres, 4 visited; 4 leading, 3 visited → 3/4; 1 of 4 leading reported → 1/4
    assert {k: table.total[k] for k in ("cadres", "cadres_visited", "leading", "leading_coverage",
                                        "report_completion")} == \
        {"cadres": 5, "cadres_visited": 4, "leading": 4, "leading_coverage": 0.75, "report_completion": 0.25}


# --- appraisal ------------------------------------------------------------------------------------

CAMPAIGN = "campaign-1"
TARGETS = [("organ-x", "交通局", "government"), ("organ-y", "税务局", "government"), ("organ-z", "中级法院", "court")]
S, B, D, U = "satisfied", "basically_satisfied", "dissatisfied", "unknown"


def appraisal_events(*extra):
    return [
        *campaign_events(CAMPAIGN, "360700", TARGETS, [("retiree", 4, None), ("npc_deputy", 2, None)],
                         min_valid_n=2, bottom_n=1),
        batch("b1", CAMPAIGN, "360700", "retiree", 3), batch("b2", CAMPAIGN, "360700", "npc_deputy", 1, "paper"),
        response("r1", CAMPAIGN, "360700", "b1", "retiree", {"organ-x": S, "organ-y": B, "organ-z": D},
                 opinions=[("organ-y", "办事慢")]),
        response("r2", CAMPAIGN, "360700", "b1", "retiree", {"organ-x": B, "organ-y": U, "organ-z": S}),
        response("r3", CAMPAIGN, "360700", "b2", "npc_deputy", {"organ-x": S, "organ-y": D, "organ-z": S},
                 channel="paper", overall="总体不错"),
        response("r4", CAMPAIGN, "360700", "b2", "npc_deputy", {"organ-x": U, "organ-y": S, "organ-z": S},
                 channel="paper"),
        opinion("o1", "organ-y", "窗口排队", flags=["ip_rate"]), opinion("o2", "organ-x", "骂人的话"),
        recorded("appraisal", "OpinionHidden", "o2", 2, dict(campaign_id=CAMPAIGN, region="360700", reason="辱骂",
                                                             hidden_by="admin", hidden_on="2026-10-04")),
        *extra,
    ]


def opinion(stream, organ_id, text, flags=()):
    return recorded("appraisal", "OpinionSubmitted", stream, 1, dict(
        campaign_id=CAMPAIGN, region="360700", organ_id=organ_id, organ_name=None, organ_category=None,
        organ_region=None, text=text, channel="online", submitted_at="2026-10-03T02:00:00+00:00",
        submitted_on="2026-10-03", ip_hash="h", device_hash=None, phone_hash=None, flags=list(flags)))


def test_organ_scores_grades_and_ranks():
    rows = loaded("360700", appraisal_events()).rows()
    table = organs_table(rows, scope(), CAMPAIGN)
    organs = by_key(table)
    x, y, z = organs["organ-x"], organs["organ-y"], organs["organ-z"]
    # x: 满意, 基本满意, 满意, 不了解 on every dimension → valid 3, (100 + 70 + 100) ÷ 3 = 90, 不了解 1/4
    assert (x["score"], x["satisfaction_rate"], x["valid_n"], x["unknown_share"]) == (90, 1, 3, Fraction(1, 4))
    # y: 基本满意, 不了解, 不满意, 满意 → (70 + 0 + 100) ÷ 3 = 170/3; satisfied 2 of 3
    assert (y["score"], y["satisfaction_rate"], y["valid_n"]) == (Fraction(170, 3), Fraction(2, 3), 3)
    # z: 不满意, 满意, 满意, 满意 → 300 ÷ 4 = 75; satisfied 3 of 4
    assert (z["score"], z["satisfaction_rate"], z["valid_n"]) == (75, Fraction(3, 4), 4)
    assert (x["grade_name"], y["grade_name"], z["grade_name"]) == ("满意", "不满意", "比较满意")
    # government: x first, y second and (bottom 1 of two) flagged; the court alone is not flagged
    assert [(o["rank_in_category"], o["bottom"]) for o in (x, y, z)] == [(1, False), (2, True), (1, False)]
    assert [o["rank_overall"] for o in (x, y, z)] == [1, 3, 2]
    assert x["pooled_score"] == 90 and x["weighted_score"] is None
    # opinions: y has one on a questionnaire and one online; x's only opinion was hidden
    assert (x["opinions"], y["opinions"], z["opinions"]) == (0, 2, 0)
    assert table.meta["campaign"]["response_rate"] == 1  # 4 returned of 4 issued
    dims = dimensions_table(rows, scope(), CAMPAIGN)
    assert len(dims.rows) == 15
    assert {(r["key"], r["dimension"]): r["composite"] for r in dims.rows}[("organ-z", "work_quality")] == 75


def test_response_rows_written_before_questionnaires_v2_score_the_same():
    rows = loaded("360700", appraisal_events()).rows()
    before = organs_table(rows, scope(), CAMPAIGN).rows
    # as rows were written until QuestionnaireSubmitted v2: one [organ, dimension, level] per answer
    old = [{**r, "ratings": [list(a) for a in answers(r["ratings"])]} for r in rows.find("responses")]
    rows.put_many("responses", old)
    assert sum(len(r["ratings"]) for r in rows.find("responses")) == 60  # 4 responses × 3 organs × 5
    assert all(type(a) is list for r in rows.find("responses") for a in r["ratings"])
    assert organs_table(rows, scope(), CAMPAIGN).rows == before


def test_response_rates_by_category_channel_and_batch():
    rows = loaded("360700", appraisal_events()).rows()
    categories = responses_table(rows, scope(), CAMPAIGN)
    cats = by_key(categories)
    # retiree: 2 of 3 issued, quota 4; npc_deputy: 2 of 1 issued (over-returned), quota 2
    assert {k: cats["retiree"][k] for k in ("issued", "responses", "response_rate", "quota", "quota_rate",
                                            "over_returned")} == \
        {"issued": 3, "responses": 2, "response_rate": pytest.approx(2 / 3), "quota": 4, "quota_rate": 0.5, "over_returned": 0}
    assert (cats["npc_deputy"]["response_rate"], cats["npc_deputy"]["over_returned"]) == (2, 1)
    assert {k: categories.total[k] for k in ("issued", "responses", "response_rate", "quota", "over_returned")} == \
        {"issued": 4, "responses": 4, "response_rate": 1, "quota": 6, "over_returned": 1}
    channels = by_key(responses_table(rows, scope(), CAMPAIGN, "channel"))
    assert [(k, r["issued"], r["responses"]) for k, r in channels.items()] == [
        ("online", 3, 2), ("paper", 1, 2), ("phone", 0, 0)]
    batches = by_key(responses_table(rows, scope(), CAMPAIGN, "batch"))
    assert (batches["b1"]["over_returned"], batches["b2"]["over_returned"]) == (False, True)


def test_opinions_without_respondents_and_hidden_left_out():
    rows = loaded("360700", appraisal_events()).rows()
    table = opinions_table(rows, scope(), CAMPAIGN)
    assert sorted((r["organ_name"], r["text"], r["from"]) for r in table.rows) == [
        ("总体意见", "总体不错", "questionnaire"), ("税务局", "办事慢", "questionnaire"), ("税务局", "窗口排队", "online")]
    assert table.meta["hidden"] == 1
    assert all("respondent_category" not in r and "batch_id" not in r for r in table.rows)
    assert [r["text"] for r in opinions_table(rows, scope(), CAMPAIGN, "organ-y").rows if r["from"] == "online"] == \
        ["窗口排队"]


def test_sealed_campaign_shows_no_scores_until_closed():
    sealed = recorded("appraisal", "CampaignSealed", CAMPAIGN, 3, dict(region="360700", reason=None,
                                                                        sealed_on="2026-10-04"))
    rows = loaded("360700", appraisal_events(sealed)).rows()
    with pytest.raises(ResultsSealed):
        organs_table(rows, scope(), CAMPAIGN)
    with pytest.raises(ResultsSealed):
        dimensions_table(rows, scope(), CAMPAIGN)
    assert responses_table(rows, scope(), CAMPAIGN).total["responses"] == 4  # counts are not scores
    assert by_key(campaigns_table(rows, scope()))[CAMPAIGN]["sealed"] is True
    assert by_key(campaigns_table(rows, scope()))[CAMPAIGN]["office"] == "360700"  # whose appraisal service runs it
    closed = recorded("appraisal", "CampaignClosed", CAMPAIGN, 4, dict(region="360700", closed_on="2026-10-30"))
    rows = loaded("360700", appraisal_events(sealed, closed)).rows()
    assert by_key(organs_table(rows, scope(), CAMPAIGN))["organ-x"]["score"] == 90


def test_a_county_does_not_see_the_city_campaign():
    rows = loaded("360700", appraisal_events()).rows()
    from shared.aggregate import NotFound
    with pytest.raises(NotFound):
        organs_table(rows, scope("360702"), CAMPAIGN)
    assert campaigns_table(rows, scope("360702")).rows == []




# --- good practices -------------------------------------------------------------------------------

def practice(id_: str, organ_id: str, region: str, submitted_on: str, decision: tuple[str, str] | None = None):
    events = [recorded("visits", "PracticeSubmitted", id_, 1, dict(
        organ_id=organ_id, organ_name="某单位", organ_category="government", region=region, title="夜访农户",
        summary="白天干活晚上走访", submitted_on=submitted_on))]
    if decision and decision[0] == "published":
        events.append(recorded("visits", "PracticePublished", id_, 2, dict(
            organ_id=organ_id, region=region, channels=["journal"], issue=None, published_on=decision[1])))
    elif decision:
        events.append(recorded("visits", "PracticeDeclined", id_, 2, dict(
            organ_id=organ_id, region=region, reason="重复", declined_on=decision[1])))
    return events


def test_practices_submitted_and_decided_in_the_period_by_region_and_organ():
    events = [*VISIT_EVENTS,
              *practice("p1", "organ-a", "360702", "2026-10-02", ("published", "2026-10-10")),
              *practice("p2", "organ-a", "360702", "2026-10-05", ("declined", "2026-10-12")),
              *practice("p3", "organ-b", "360703", "2026-10-20"),
              *practice("p4", "organ-b", "360703", "2026-09-20", ("published", "2026-10-03")),  # submitted before
              *practice("p5", "organ-c", "360700", "2026-10-25", ("published", "2026-11-02"))]  # decided after
    rows = loaded("360700", events).rows()
    table = by_key(practices_table(rows, scope()))
    got = {k: (r["submitted"], r["published"], r["declined"], r["publication_rate"]) for k, r in table.items()}
    assert (got["360700"], got["360702"], got["360703"]) == ((1, 0, 0, None), (2, 1, 1, 0.5), (1, 1, 0, 1.0))
    assert practices_table(rows, scope()).total == {"submitted": 4, "published": 2, "declined": 1,
                                                    "publication_rate": pytest.approx(2 / 3)}
    organs = by_key(practices_table(rows, scope(), "organ"))
    assert (organs["organ-a"]["submitted"], organs["organ-b"]["published"]) == (2, 1)
    with pytest.raises(ValueError):
        practices_table(rows, scope(), "week")

# --- report meetings on advanced examples (三学) -----------------------------------------------------

def meeting(id_: str, region: str, held_on: str, exemplars: int, attendance: int):
    return recorded("visits", "ExemplarMeetingHeld", id_, 1, dict(
        region=region, held_on=held_on, title="先进典型报告会", place=None, host=None, notes=None,
        exemplars=[{"name": f"典型{i}", "unit": "水南村", "deeds": None} for i in range(exemplars)],
        attendance=attendance))


def test_meetings_held_in_the_period_by_region():
    events = [
        meeting("m1", "360702", "2026-10-08", 2, 300), meeting("m2", "360702", "2026-10-20", 1, 120),
        meeting("m3", "360703", "2026-10-09", 3, 200),
        meeting("m4", "360700", "2026-09-30", 1, 500),   # before the period
        meeting("m5", "360703", "2026-10-12", 1, 80),    # cancelled below
        recorded("visits", "ExemplarMeetingCancelled", "m5", 2, dict(
            region="360703", held_on="2026-10-12", reason="录入错误", cancelled_on="2026-10-13")),
    ]
    rows = loaded("360700", events).rows()
    table = meetings_table(rows, scope())
    got = {k: (r["meetings"], r["exemplars"], r["attendance"]) for k, r in by_key(table).items()}
    assert (got["360700"], got["360702"], got["360703"]) == ((0, 0, 0), (2, 3, 420), (1, 3, 200))
    assert table.total == {"meetings": 3, "exemplars": 6, "attendance": 620}
    assert meetings_table(rows, scope(period=Period(None, None))).total["meetings"] == 4  # m4 too, never m5
    assert meetings_table(rows, scope("360702")).total == {"meetings": 2, "exemplars": 3, "attendance": 420}

# --- problems -------------------------------------------------------------------------------------

def test_problems_by_source_and_campaign_and_overdue_list():
    events = appraisal_events(
        *problem_events("p1", "360700", family="appraisal", source="questionnaire",
                        source_ref=f"{CAMPAIGN}/organ-y/work_quality", organ_id="organ-y",
                        steps=[referred("2026-10-05", "2026-10-10")]),
        *problem_events("p2", "360700", family="appraisal", source="opinion", source_ref="o1", organ_id="organ-y"),
        *problem_events("p3", "360702", steps=[referred("2026-10-02", "2026-10-20")], office="360702"),
        *problem_events("p4", "360702", family="appraisal", source="questionnaire", source_ref="campaign-other/x/y"),
    )
    rows = loaded("360700", events).rows()
    sources = by_key(problems_table(rows, scope(), "source"))
    assert {k: r["raised"] for k, r in sources.items()} == {"visit": 1, "questionnaire": 2, "opinion": 1}
    campaign = problems_table(rows, scope(campaign_id=CAMPAIGN), "source")
    assert campaign.total["raised"] == 2  # p1 (questionnaire) and p2 (opinion o1 of this campaign)
    regions = by_key(problems_table(rows, scope()))
    assert (regions["360700"]["raised"], regions["360702"]["raised"], regions["360702"]["overdue"]) == (2, 2, 1)
    overdue = overdue_table(rows, scope())
    # at 10-31: p3 (deadline 10-20, 11 days) and p1 (deadline 10-10, 21 days), most overdue first
    assert [(r["key"], r["days_overdue"], r["unit_name"]) for r in overdue.rows] == [
        ("p1", 21, "交通局"), ("p3", 11, "交通局")]
    # where each is handled: p1 by the city's appraisal service, p3 by the county's own visits service
    assert [(r["family"], r["office"]) for r in overdue.rows] == [("appraisal", "360700"), ("visits", "360702")]
    weeks = problems_table(rows, scope(), "week")
    assert [(r["key"], r["raised"]) for r in weeks.rows][:2] == [("2026-W40", 4), ("2026-W41", 0)]


def test_overview_joins_every_report(city):
    table = overview_table(city, scope())
    rows = by_key(table)
    assert (rows["360702"]["visits"], rows["360702"]["leading_coverage"], rows["360703"]["leading_coverage"]) == \
        (2, 1, 0.5)
    assert (table.total["visits"], table.total["cadres_taking_part"], table.total["funds_yuan"]) == \
        (3, 4, Decimal("1750.50"))
