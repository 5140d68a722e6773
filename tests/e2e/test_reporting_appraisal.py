"""Half 2 end to end: a campaign run through the appraisal API, scored by reporting, against
scores this test computes on its own from the answers it gave."""
from collections import defaultdict

import pytest

from tests.backends import token
from tests.e2e.reporting_support import CITY, CITY_ADMIN, CITY_CLERK, ZHANGGONG, System, by_key, post

TARGETS = [
    {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": CITY},
    {"organ_id": "tax", "name": "市税务局", "category": "government", "region": CITY},
    {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": ZHANGGONG},
]
WEIGHTS = {"npc_deputy": 2, "retiree": 1}
POINTS = {"satisfied": 100, "basically_satisfied": 70, "dissatisfied": 0}  # the defaults; 不了解 not valid
DIMENSIONS = ["serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image"]
S, B, D, U = "satisfied", "basically_satisfied", "dissatisfied", "unknown"

# (respondent category, {organ: level on every dimension, or {dimension: level}})
NPC = [
    {"traffic": S, "tax": B, "court": D},
    {"traffic": B, "tax": D, "court": S},
    {"traffic": S, "tax": U, "court": S},
]
RETIREES = [
    {"traffic": D, "tax": S, "court": U},
    {"traffic": {**{d: B for d in DIMENSIONS}, "work_quality": D}, "tax": S, "court": S},
]


def ratings(levels: dict) -> list[dict]:
    out = []
    for organ, level in levels.items():
        per_dimension = level if isinstance(level, dict) else {d: level for d in DIMENSIONS}
        out += [{"organ_id": organ, "dimension": d, "level": lv} for d, lv in per_dimension.items()]
    return out


def expected_scores(answers: list[tuple[str, dict]]) -> dict:
    """organ → (weighted score, pooled score, valid n), computed the plain way."""
    levels = defaultdict(list)  # (organ, dimension) → [(category, level)]
    for category, given in answers:
        for r in ratings(given):
            levels[(r["organ_id"], r["dimension"])].append((category, r["level"]))
    out = {}
    for organ in ("traffic", "tax", "court"):
        weighted, pooled, valid = [], [], []
        for d in DIMENSIONS:
            answered = [(c, POINTS[lv]) for c, lv in levels[(organ, d)] if lv != U]
            valid.append(len(answered))
            pooled.append(sum(p for _, p in answered) / len(answered))
            means = {c: [p for cc, p in answered if cc == c] for c in WEIGHTS}
            means = {c: sum(ps) / len(ps) for c, ps in means.items() if ps}
            weighted.append(sum(WEIGHTS[c] * m for c, m in means.items()) / sum(WEIGHTS[c] for c in means))
        out[organ] = (sum(weighted) / 5, sum(pooled) / 5, min(valid))
    return out


@pytest.fixture
def system(backend):
    system = System(backend)
    yield system
    system.close()


def run_campaign(system: System) -> str:
    a = system.appraisal
    campaign = post(a, "/campaigns", {
        "title": "2026年度群众评机关", "targets": TARGETS,
        "respondent_categories": [{"category": c, "quota": 4, "weight": w} for c, w in WEIGHTS.items()],
        "scoring": {"min_valid_n": 2, "bottom_n": 1}}, CITY_ADMIN)
    cid = campaign["id"]
    post(a, f"/campaigns/{cid}/open", {}, CITY_ADMIN, 200)
    paper = post(a, f"/campaigns/{cid}/paper-batches", {"respondent_category": "npc_deputy", "count": 2}, CITY_ADMIN)
    for i, levels in enumerate(NPC):
        opinions = [{"organ_id": "tax", "text": "办事拖拉"}] if i == 2 else []
        post(a, f"/batches/{paper['id']}/responses", {"ratings": ratings(levels), "organ_opinions": opinions,
                                                      "on": "2026-10-05"}, CITY_CLERK)
    online = post(a, f"/campaigns/{cid}/invitation-batches", {"respondent_category": "retiree", "count": 3}, CITY_ADMIN)
    sheet = a.get(f"/batches/{online['id']}/invitations.csv", headers=CITY_ADMIN).data.decode("utf-8-sig")
    codes = [line.split(",")[1] for line in sheet.splitlines()[1:]]
    for code, levels in zip(codes, RETIREES):
        body = {"token": code, "ratings": ratings(levels)}
        if levels is RETIREES[1]:
            body["overall_opinion"] = "整体满意"
        post(a, "/responses", body, {})
    court_opinion = post(a, f"/campaigns/{cid}/opinions", {"organ_id": "court", "text": "立案等待太久"}, {})
    abusive = post(a, f"/campaigns/{cid}/opinions", {"organ_id": "traffic", "text": "辱骂内容"}, {})
    post(a, f"/opinions/{abusive['id']}/hide", {"reason": "辱骂"}, CITY_ADMIN, 200)
    post(a, f"/campaigns/{cid}/rectifications", {"organ_id": "traffic", "dimension": "work_quality",
                                                 "category": "service", "description": "工作质量评价低"}, CITY_CLERK)
    post(a, f"/opinions/{court_opinion['id']}/problem", {"category": "service"}, CITY_CLERK)
    return cid


def test_scores_rankings_response_rates_opinions(system):
    cid = run_campaign(system)
    city, county = system.office(CITY), system.office(ZHANGGONG)
    system.sync()

    organs = city.get(f"/reports/appraisal/{cid}/organs")
    assert organs["campaign"]["weighted"] is True
    assert (organs["campaign"]["issued"], organs["campaign"]["responses"]) == (5, 5)
    rows = by_key(organs)
    expected = expected_scores([("npc_deputy", lv) for lv in NPC] + [("retiree", lv) for lv in RETIREES])
    for organ, (weighted, pooled, valid_n) in expected.items():
        row = rows[organ]
        assert row["weighted_score"] == pytest.approx(weighted, abs=1e-4), organ
        assert row["pooled_score"] == pytest.approx(pooled, abs=1e-4), organ
        assert (row["score"], row["valid_n"]) == (row["weighted_score"], valid_n), organ
    # Ranked within 序列 by the weighted score; bottom 1 of the two government organs is flagged.
    government = sorted(("traffic", "tax"), key=lambda o: expected[o][0], reverse=True)
    assert [(rows[o]["rank_in_category"], rows[o]["bottom"]) for o in government] == [(1, False), (2, True)]
    assert (rows["court"]["rank_in_category"], rows["court"]["bottom"]) == (1, False)
    assert rows["tax"]["unknown_share"] == pytest.approx(1 / 5, abs=1e-4)  # 1 不了解 of 5 answers per dimension
    assert (rows["tax"]["opinions"], rows["court"]["opinions"], rows["traffic"]["opinions"]) == (1, 1, 0)

    dims = {(r["key"], r["dimension"]): r for r in city.get(f"/reports/appraisal/{cid}/dimensions")["rows"]}
    # traffic × work_quality: npc S B S → 90 (weight 2); retirees D D → 0 (weight 1) → (2·90 + 0) ÷ 3 = 60
    assert dims[("traffic", "work_quality")]["weighted_composite"] == 60
    # pooled: (100 + 70 + 100 + 0 + 0) ÷ 5 = 54; satisfied 3 of 5
    assert (dims[("traffic", "work_quality")]["composite"], dims[("traffic", "work_quality")]["satisfaction_rate"]) == \
        (54, 0.6)

    responses = by_key(city.get(f"/reports/appraisal/{cid}/responses"))
    assert (responses["npc_deputy"]["issued"], responses["npc_deputy"]["responses"],
            responses["npc_deputy"]["over_returned"]) == (2, 3, 1)
    assert responses["retiree"]["response_rate"] == pytest.approx(2 / 3, abs=1e-4)
    channels = by_key(city.get(f"/reports/appraisal/{cid}/responses?by=channel"))
    assert (channels["paper"]["responses"], channels["online"]["responses"]) == (3, 2)

    opinions = city.get(f"/reports/appraisal/{cid}/opinions")
    assert sorted(r["text"] for r in opinions["rows"]) == sorted(["办事拖拉", "整体满意", "立案等待太久"])
    assert opinions["hidden"] == 1

    problems = by_key(city.get(f"/reports/problems?campaign_id={cid}&by=source"))
    assert (problems["questionnaire"]["raised"], problems["opinion"]["raised"], problems["visit"]["raised"]) == (1, 1, 0)

    # The county office sees nothing of the city's campaign, but the problem about its court is its own.
    assert county.get("/reports/appraisal/campaigns")["rows"] == []
    county.get(f"/reports/appraisal/{cid}/organs", status=404)
    assert county.get("/reports/problems?by=source")["total"]["raised"] == 1
    assert {r["region"] for rows in county.rows().values() for r in rows if "region" in r} == {ZHANGGONG}


def test_sealed_until_closed(system):
    cid = run_campaign(system)
    city = system.office(CITY)
    post(system.appraisal, f"/campaigns/{cid}/seal", {"reason": "评议期间不公开"}, CITY_ADMIN, 200)
    system.sync()
    sealed = city.client.get(f"/reports/appraisal/{cid}/organs", headers=token(CITY, "viewer"))
    assert sealed.status_code == 409 and sealed.json["error"]["code"] == "sealed"
    assert city.client.get(f"/reports/appraisal/{cid}/organs?format=xlsx",
                           headers=token(CITY, "viewer")).status_code == 409
    assert by_key(city.get("/reports/appraisal/campaigns"))[cid]["sealed"] is True
    assert city.get(f"/reports/appraisal/{cid}/responses")["total"]["responses"] == 5
    post(system.appraisal, f"/campaigns/{cid}/close", {}, CITY_ADMIN, 200)
    system.sync()
    assert len(city.get(f"/reports/appraisal/{cid}/organs")["rows"]) == 3
