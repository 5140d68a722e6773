"""Research reports, construction points (三个一), pairings and good practices through the REST API, on both backends."""
from services.visits.app import create_app
from tests.backends import token

ADMIN = token("360700", "admin", subject="city-office")
CLERK = token("360700", "clerk", subject="clerk-1")
COUNTY = token("360702", "clerk", subject="county-clerk")


def post(client, url, body, headers, status=201):
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, (url, response.json)
    return response.json


def test_reports_points_pairings_and_practices(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    organ = post(client, "/organs", {"name": "市委组织部", "category": "party_committee", "region": "360700"}, ADMIN)
    leader = post(client, "/cadres", {"organ_id": organ["id"], "name": "周一", "rank": "county"}, ADMIN)
    owes = post(client, "/cadres", {"organ_id": organ["id"], "name": "吴二", "rank": "deputy_county"}, ADMIN)

    # 调研报告: completion among the leading cadres
    report = post(client, "/reports", {"cadre_id": leader["id"], "title": "关于水南村产业发展的调研", "summary": "……",
                                       "attachment_ref": "docs/2024/17.pdf", "on": "2024-06-01"}, CLERK)
    assert (report["leading"], report["organ_id"], report["version"]) == (True, organ["id"], 1)
    completion = client.get(f"/reports/completion?organ_id={organ['id']}", headers=ADMIN).json
    assert (completion["leading_total"], completion["submitted_total"]) == (2, 1)
    assert [(r["name"], r["submitted"]) for r in completion["items"]] == [("吴二", False), ("周一", True)]
    assert client.get("/reports/completion?submitted=false", headers=ADMIN).json["items"][0]["cadre_id"] == owes["id"]

    # 三个一 at a construction point in a county
    point = post(client, "/points", {"name": "水南村建设点", "region": "360702", "on": "2024-03-01"}, ADMIN)
    point = post(client, f"/points/{point['id']}/instructors", {"cadre_id": leader["id"], "on": "2024-03-05"}, CLERK, 200)
    point = post(client, f"/points/{point['id']}/funds", {"amount_yuan": "6000", "organ_id": organ["id"], "version": 2},
                 CLERK, 200)
    point = post(client, f"/points/{point['id']}/computers", {"count": 2, "organ_id": organ["id"]}, CLERK, 200)
    assert (point["compliant"], point["missing"], point["funds_total_yuan"]) == (False, ["funds"], "6000.00")
    point = post(client, f"/points/{point['id']}/funds", {"amount_yuan": 4000.0}, COUNTY, 200)
    assert (point["compliant"], point["funds_total_yuan"], point["version"]) == (True, "10000.00", 5)
    assert client.get("/points?compliant=true", headers=COUNTY).json["total"] == 1

    # 结对: a cadre with a household, an organ with the point
    household = post(client, "/pairings", {"kind": "cadre_household", "cadre_id": owes["id"], "partner_name": "刘家",
                                           "region": "360702", "start_on": "2024-01-01", "end_on": "2024-12-31",
                                           "required_days": 10}, CLERK)
    assert household["organ_id"] == organ["id"]
    co_building = post(client, "/pairings", {"kind": "organ_point", "organ_id": organ["id"], "point_id": point["id"],
                                             "partner_name": "水南村党支部", "region": "360702",
                                             "start_on": "2024-03-01", "end_on": "2025-02-28"}, CLERK)
    post(client, f"/pairings/{household['id']}/days", {"days": 6, "on": "2024-02-01", "note": "入户走访"}, CLERK, 200)
    ended = post(client, f"/pairings/{household['id']}/end", {"on": "2024-06-30", "outcome": "已脱困", "version": 2},
                 COUNTY, 200)
    assert (ended["status"], ended["days_total"], ended["days_met"]) == ("ended", 6, False)
    active = client.get("/pairings?status=active", headers=COUNTY).json
    assert [p["id"] for p in active["items"]] == [co_building["id"]]

    # 好的经验做法: submitted by the organ, published by the working committee
    practice = post(client, "/practices", {"organ_id": organ["id"], "title": "夜访农户", "summary": "白天干活晚上走访",
                                           "on": "2024-05-01"}, CLERK)
    published = post(client, f"/practices/{practice['id']}/publication",
                     {"channels": ["journal", "intranet"], "issue": "2024年第5期", "version": 1}, ADMIN, 200)
    assert (published["status"], published["channels"]) == ("published", ["journal", "intranet"])

    events = backend.published(app.extensions["shuangwan"])
    per_stream: dict[str, list] = {}
    for e in sorted(events, key=lambda e: (e.stream, e.version)):
        per_stream.setdefault(e.stream, []).append(e)
    assert [e.type for e in per_stream[point["id"]]] == ["ConstructionPointRegistered", "InstructorAssigned",
                                                         "PointFundsGiven", "ComputersDonated", "PointFundsGiven"]
    last = per_stream[point["id"]][-1]
    assert (last.region, last.tier, last.data["amount_yuan"], last.data["funds_total_yuan"], last.data["compliant"]) == \
           ("360702", "county", "4000.00", "10000.00", True)
    assert per_stream[point["id"]][1].data["instructor_name"] == "周一"
    assert [(e.type, e.data["days_total"]) for e in per_stream[household["id"]][1:]] == \
           [("PairingDaysLogged", 6), ("PairingEnded", 6)]
    assert per_stream[co_building["id"]][0].data["point_id"] == point["id"]
    submitted = per_stream[report["id"]][0]
    assert (submitted.type, submitted.data["leading"], submitted.data["submitted_on"]) == \
           ("ResearchReportSubmitted", True, "2024-06-01")
    assert [(e.type, e.region) for e in per_stream[practice["id"]]] == [("PracticeSubmitted", "360700"),
                                                                         ("PracticePublished", "360700")]
    assert len(events) == 3 + 1 + 5 + 3 + 1 + 2
