"""Half 1 and the problem ledger end to end: written through the visits API, relayed, consumed,
read back through the reporting API — against figures this test works out from what it wrote."""
from decimal import Decimal

import pytest

from tests.e2e.reporting_support import CITY, CITY_ADMIN, CITY_CLERK, NANKANG, ZHANGGONG, System, by_key, post

OCTOBER = "from=2026-10-01&to=2026-10-31"


def approx(share: float):
    """Shares travel rounded to four places."""
    return pytest.approx(share, abs=5e-5)


@pytest.fixture
def system(backend):
    system = System(backend)
    yield system
    system.close()


def write_half_one(system: System) -> dict:
    """Organs, cadres, visits, reports, points, pairings; returns what was written."""
    v = system.visits
    organs = {key: post(v, "/organs", {"name": name, "category": "government", "region": region}, CITY_ADMIN)
              for key, name, region in [("A", "章贡区交通局", ZHANGGONG), ("B", "南康区民政局", NANKANG),
                                        ("C", "市发改委", CITY)]}
    cadres = {key: post(v, "/cadres", {"organ_id": organs[organ]["id"], "name": key, "rank": rank}, CITY_ADMIN)
              for key, organ, rank in [("a1", "A", "section"), ("a2", "A", "clerk"), ("b1", "B", "section"),
                                       ("b2", "B", "deputy_county"), ("c1", "C", "deputy_county"),
                                       ("c2", "C", "clerk")]}
    visits = []

    def log(region, on, who, place, activities, people=0, households=0, funds=(), items=(), problems=0):
        if funds or items:
            activities = [*activities, "deliver_service"]  # the service insists: funds and items are 送服务
        body = {"cadre_ids": [cadres[c]["id"] for c in who], "region": region, "visited_on": on,
                "place_type": place, "place_name": "某地", "activities": activities, "people_reached": people,
                "households_reached": households, "funds": [{"purpose": "慰问", "amount_yuan": f} for f in funds],
                "items": [{"name": "大米", "count": n} for n in items],
                "problems": [{"category": "infrastructure", "description": f"问题{i}"} for i in range(problems)]}
        written = post(v, "/visits", body, CITY_CLERK)
        visits.append({**body, "id": written["id"], "who": who, "cancelled": False, "problem_ids": written["problem_ids"]})
        return written

    log(ZHANGGONG, "2026-10-05", ["a1", "a2"], "village", ["ask_needs", "deliver_policy"], 40, 12,
        ["1000.50", "500.00"], [20], problems=1)
    log(NANKANG, "2026-10-06", ["b1"], "enterprise", ["ask_advice"], 5)
    log(ZHANGGONG, "2026-10-12", ["c1"], "community", ["ask_needs", "learn_from_people"], 20, 8, ["300.00"])
    cancelled = log(ZHANGGONG, "2026-10-07", ["a2"], "village", ["ask_needs"], 3)
    post(v, f"/visits/{cancelled['id']}/cancellation", {"reason": "录入错误", "version": 1, "on": "2026-10-08"},
         CITY_CLERK, 200)
    visits[-1]["cancelled"] = True
    log(NANKANG, "2026-09-28", ["b1"], "village", ["ask_needs"], 7)

    reports = [(c, on) for c, on in [("a1", "2026-10-09"), ("a2", "2026-10-10"), ("b1", "2026-09-01")]]
    for c, on in reports:
        post(v, "/reports", {"cadre_id": cadres[c]["id"], "title": "调研报告", "summary": "……", "on": on}, CITY_CLERK)

    p1 = post(v, "/points", {"name": "水南村建设点", "region": ZHANGGONG, "on": "2026-10-01"}, CITY_ADMIN)
    post(v, f"/points/{p1['id']}/instructors", {"instructor_name": "李四", "on": "2026-10-02"}, CITY_CLERK, 200)
    post(v, f"/points/{p1['id']}/funds", {"amount_yuan": "10000.00", "on": "2026-10-03"}, CITY_CLERK, 200)
    post(v, f"/points/{p1['id']}/computers", {"count": 2, "on": "2026-10-04"}, CITY_CLERK, 200)
    p2 = post(v, "/points", {"name": "唐江镇建设点", "region": NANKANG, "on": "2026-10-01"}, CITY_ADMIN)
    post(v, f"/points/{p2['id']}/instructors", {"instructor_name": "王五", "on": "2026-10-02"}, CITY_CLERK, 200)

    pairing = post(v, "/pairings", {"kind": "cadre_household", "cadre_id": cadres["a1"]["id"], "partner_name": "困难户",
                                    "region": ZHANGGONG, "start_on": "2026-10-01", "end_on": "2027-09-30",
                                    "required_days": 10}, CITY_CLERK)
    post(v, f"/pairings/{pairing['id']}/days", {"days": 3, "on": "2026-10-10"}, CITY_CLERK, 200)
    return {"organs": organs, "cadres": cadres, "visits": visits, "reports": reports}


def write_problems(system: System) -> list[dict]:
    """Problems through /problems, each with its life; returns (region, raised_on, steps) per problem."""
    v = system.visits
    county = {ZHANGGONG: CITY_CLERK, NANKANG: CITY_CLERK}
    written = []
    plans = [
        (NANKANG, "2026-10-02", [("referral", {"deadline": "2026-10-10", "on": "2026-10-03"})]),
        (ZHANGGONG, "2026-10-04", [("referral", {"deadline": "2026-10-30", "on": "2026-10-04"}),
                                   ("done", {"result": "已解决", "on": "2026-10-08"}),
                                   ("verification", {"satisfied": True, "on": "2026-10-09"})]),
        (ZHANGGONG, "2026-10-06", [("referral", {"deadline": "2026-10-20", "on": "2026-10-06"}),
                                   ("done", {"result": "已处理", "on": "2026-10-07"}),
                                   ("verification", {"satisfied": False, "feedback": "未解决", "on": "2026-10-08"})]),
    ]
    for region, raised_on, steps in plans:
        problem = post(v, "/problems", {"category": "livelihood", "description": "群众反映", "region": region,
                                        "on": raised_on}, county[region])
        for action, body in steps:
            if action == "referral":
                body = {**body, "unit_id": "unit-1", "unit_name": "责任单位", "responsible_person": "赵六"}
            post(v, f"/problems/{problem['id']}/{action}", body, county[region], 200)
        written.append({"id": problem["id"], "region": region, "raised_on": raised_on, "steps": steps})
    return written


def in_october(day: str) -> bool:
    return "2026-10-01" <= day <= "2026-10-31"


def test_visits_cadres_points_and_ledger_reports(system):
    half = write_half_one(system)
    problems = write_problems(system)
    city = system.office(CITY)
    system.sync()

    # --- visits, by where they took place ---------------------------------------------------
    counted = [w for w in half["visits"] if not w["cancelled"] and in_october(w["visited_on"])]
    table = city.get(f"/reports/visits?{OCTOBER}")
    rows = by_key(table)
    for region in (ZHANGGONG, NANKANG):
        mine = [w for w in counted if w["region"] == region]
        expected = {
            "visits": len(mine),
            "cadres": len({c for w in mine for c in w["who"]}),
            "people_reached": sum(w["people_reached"] for w in mine),
            "households_reached": sum(w["households_reached"] for w in mine),
            "funds_yuan": str(sum((Decimal(f["amount_yuan"]) for w in mine for f in w["funds"]), Decimal("0.00"))),
            "items": sum(i["count"] for w in mine for i in w["items"]),
            "problems": sum(len(w["problem_ids"]) for w in mine),
        }
        assert {k: rows[region][k] for k in expected} == expected, region
    assert rows[CITY]["visits"] == 0 and table["total"]["visits"] == len(counted)
    assert table["total"]["funds_yuan"] == "1800.50"

    activities = by_key(city.get(f"/reports/visits?{OCTOBER}&by=activity"))
    for activity in ("ask_needs", "deliver_policy", "deliver_service", "ask_advice", "learn_from_people",
                     "deliver_warmth"):
        assert activities[activity]["visits"] == sum(activity in w["activities"] for w in counted), activity
    weekly = city.get(f"/reports/visits/weekly?{OCTOBER}")
    assert {r["key"]: r["visits"] for r in weekly["rows"]} == {
        "2026-W40": 0, "2026-W41": 2, "2026-W42": 1, "2026-W43": 0, "2026-W44": 0}

    # --- cadres: coverage of leading cadres, research reports, by the cadre's organ ----------
    cadres = half["cadres"]
    organ_region = {o["id"]: o["region"] for o in half["organs"].values()}
    visited = {c for w in counted for c in w["who"]}
    reported = {c for c, on in half["reports"] if in_october(on)}
    coverage = by_key(city.get(f"/reports/cadres?{OCTOBER}"))
    for region in (CITY, ZHANGGONG, NANKANG):
        leading = [k for k, c in cadres.items() if c["leading"] and organ_region[c["organ_id"]] == region]
        assert leading, region  # each region has leading cadres, or the check below proves nothing
        assert coverage[region]["leading"] == len(leading)
        assert coverage[region]["leading_coverage"] == approx(sum(c in visited for c in leading) / len(leading))
        assert coverage[region]["report_completion"] == approx(sum(c in reported for c in leading) / len(leading))

    # --- 三个一 ---------------------------------------------------------------------------------
    points = city.get("/reports/points?by=region")
    assert (points["total"]["points"], points["total"]["compliant"], points["total"]["compliance_rate"]) == (2, 1, 0.5)
    per_point = {r["name"]: r for r in city.get("/reports/points")["rows"]}
    assert (per_point["水南村建设点"]["compliant"], per_point["唐江镇建设点"]["has_funds"]) == (True, False)
    pairings = city.get(f"/reports/pairings?{OCTOBER}")["total"]
    assert (pairings["started"], pairings["active"], pairings["days_on_site"]) == (1, 1, 3)

    # --- the ledger, judged at the end of October ----------------------------------------------
    visit_problems = [(w["region"], w["visited_on"]) for w in half["visits"] for _ in w["problem_ids"]]
    ledger = by_key(city.get(f"/reports/problems?{OCTOBER}"))
    for region in (ZHANGGONG, NANKANG):
        mine = [p for p in problems if p["region"] == region]
        raised = len(mine) + sum(r == region and in_october(on) for r, on in visit_problems)
        closed = [p for p in mine if ("verification", True) in [(a, b.get("satisfied")) for a, b in p["steps"]]]
        reopened = [p for p in mine if ("verification", False) in [(a, b.get("satisfied")) for a, b in p["steps"]]]
        overdue = [p for p in mine if p not in closed and p["steps"][0][1]["deadline"] < "2026-10-31"]
        assert {k: ledger[region][k] for k in ("raised", "closed", "reopened", "overdue")} == \
            {"raised": raised, "closed": len(closed), "reopened": len(reopened), "overdue": len(overdue)}, region
    assert ledger[ZHANGGONG]["median_days_to_close"] == 5  # raised 10-04, closed 10-09
    assert ledger[ZHANGGONG]["resolution_rate"] == approx(1 / 3)  # 1 of 3 raised (2 + the visit's)
    sources = by_key(city.get(f"/reports/problems?{OCTOBER}&by=source"))
    assert (sources["visit"]["raised"], sources["questionnaire"]["raised"]) == (4, 0)
    overdue = city.get("/reports/problems/overdue?to=2026-10-31")
    # 南康 10-10 → 21 days; 章贡 (reopened) 10-20 → 11 days at 10-31
    assert [(r["region"], r["days_overdue"]) for r in overdue["rows"]] == [(NANKANG, 21), (ZHANGGONG, 11)]

    # --- the overview puts it together, and the province office sees the same city figures ------
    overview = city.get(f"/reports/overview?{OCTOBER}")
    assert (overview["total"]["visits"], overview["total"]["problems_overdue"]) == (3, 2)
    province = system.office("360000")
    province.catch_up()
    drill = by_key(province.get(f"/reports/overview?{OCTOBER}"))
    assert drill[CITY]["visits"] == 3 and drill["360100"]["visits"] == 0
    assert by_key(province.get(f"/reports/overview?{OCTOBER}&region={CITY}"))[ZHANGGONG] == by_key(overview)[ZHANGGONG]


def test_exports_of_a_real_report(system):
    write_half_one(system)
    city = system.office(CITY)
    system.sync()
    from openpyxl import load_workbook
    import io
    from tests.backends import token
    response = city.client.get(f"/reports/visits?{OCTOBER}&format=xlsx", headers=token(CITY, "viewer"))
    assert response.status_code == 200
    lines = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert lines[0][:3] == ("地区代码", "地区", "走访次数")
    assert [line[:3] for line in lines if line[0] in (ZHANGGONG, "合计")] == [(ZHANGGONG, "章贡区", 2), ("合计", None, 3)]
    csv = city.client.get(f"/reports/cadres?{OCTOBER}&format=csv", headers=token(CITY, "viewer"))
    assert csv.data.startswith("\ufeff地区代码,地区,干部人数".encode())
