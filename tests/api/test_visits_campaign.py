"""Organs, cadres and visits through the visits service's REST API, on both backends."""
from services.visits.app import create_app
from tests.backends import token

ADMIN = token("360700", "admin", subject="city-office")
CLERK = token("360700", "clerk", subject="clerk-1")
COUNTY_VIEWER = token("360702", "viewer")


def streams(events) -> dict[str, list[str]]:
    """Event types per record, in stream order."""
    out: dict[str, list[str]] = {}
    for e in sorted(events, key=lambda e: (e.stream, e.version)):
        out.setdefault(e.stream, []).append(e.type)
    return out


def post(client, url, body, headers, status=201):
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, (url, response.json)
    return response.json


def test_organs_cadres_visits_and_the_events_they_publish(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    city_organ = post(client, "/organs", {"name": "市发改委", "category": "government", "region": "360700"}, ADMIN)
    county_organ = post(client, "/organs", {"name": "章贡区民政局", "category": "government", "region": "360702"}, ADMIN)
    assert (city_organ["tier"], county_organ["tier"]) == ("city", "county")
    leader = post(client, "/cadres", {"organ_id": city_organ["id"], "name": "张三", "rank": "deputy_county",
                                      "position": "副主任"}, ADMIN)
    staff = post(client, "/cadres", {"organ_id": county_organ["id"], "name": "李四", "rank": "clerk"}, ADMIN)
    assert (leader["leading"], staff["leading"]) == (True, False)

    visit = post(client, "/visits", {
        "cadre_ids": [leader["id"], staff["id"]], "region": "360702", "visited_on": "2024-05-20",
        "place_type": "village", "place_name": "水南村", "people_reached": 40, "households_reached": 12,
        "activities": ["ask_needs", "deliver_policy", "deliver_service", "learn_from_people"],
        "funds": [{"purpose": "助学", "amount_yuan": "1000.50"}, {"purpose": "慰问", "amount_yuan": 500}],
        "items": [{"name": "大米", "count": 20}], "services": ["农技指导"],
        "policy_sessions": [{"topic": "创业扶持政策", "attendance": 35}],
        "problems": [{"category": "infrastructure", "description": "村道破损"}],
    }, CLERK)
    assert (visit["funds_total_yuan"], visit["items_total"], visit["version"]) == ("1500.50", 20, 1)
    [problem_id] = visit["problem_ids"]
    problem = client.get(f"/problems/{problem_id}", headers=COUNTY_VIEWER).json
    assert (problem["source"], problem["source_ref"], problem["raised_on"]) == ("visit", visit["id"], "2024-05-20")

    other = post(client, "/visits", {"cadre_ids": [staff["id"]], "region": "360702", "visited_on": "2024-06-02",
                                     "place_type": "enterprise", "place_name": "某公司", "activities": ["ask_advice"]},
                 token("360702", "clerk"))
    listed = client.get("/visits?from=2024-05-01&to=2024-05-31&activity=deliver_policy", headers=COUNTY_VIEWER).json
    assert [v["id"] for v in listed["items"]] == [visit["id"]]
    by_cadre = client.get(f"/visits?cadre_id={staff['id']}&page_size=1", headers=COUNTY_VIEWER).json
    assert (by_cadre["total"], by_cadre["items"][0]["id"]) == (2, other["id"])  # newest first
    leading = client.get("/cadres?leading=true", headers=ADMIN).json
    assert [c["id"] for c in leading["items"]] == [leader["id"]]
    assert client.get("/organs?tier=county", headers=COUNTY_VIEWER).json["total"] == 1

    cancelled = post(client, f"/visits/{other['id']}/cancellation", {"reason": "录入错误", "version": 1,
                                                                      "on": "2024-06-03"}, CLERK, 200)
    assert (cancelled["status"], cancelled["version"]) == ("cancelled", 2)
    moved = client.patch(f"/cadres/{staff['id']}", json={"organ_id": city_organ["id"], "rank": "deputy_county",
                                                         "version": 1, "on": "2024-07-01"}, headers=ADMIN)
    assert moved.status_code == 200 and (moved.json["leading"], moved.json["region"]) == (True, "360700")

    # Kafka keeps order per record (the key), not across records: compare per stream.
    events = backend.published(app.extensions["shuangwan"])
    assert streams(events) == {
        city_organ["id"]: ["OrganRegistered"], county_organ["id"]: ["OrganRegistered"],
        leader["id"]: ["CadreRegistered"], staff["id"]: ["CadreRegistered", "CadreUpdated"],
        problem_id: ["ProblemRaised"], visit["id"]: ["VisitLogged"], other["id"]: ["VisitLogged", "VisitCancelled"]}
    event = {(e.stream, e.version): e for e in events}
    assert [(event[(o["id"], 1)].region, event[(o["id"], 1)].tier) for o in (city_organ, county_organ)] == \
           [("360700", "city"), ("360702", "county")]
    logged = event[(visit["id"], 1)]
    assert (logged.region, logged.tier) == ("360702", "county")
    assert logged.data["cadre_ids"] == [leader["id"], staff["id"]]
    assert logged.data["leading_cadre_ids"] == [leader["id"]]
    assert logged.data["organ_ids"] == [city_organ["id"], county_organ["id"]]
    assert logged.data["funds"] == [{"purpose": "助学", "amount_yuan": "1000.50"},
                                    {"purpose": "慰问", "amount_yuan": "500.00"}]
    assert (logged.data["funds_total_yuan"], logged.data["problem_ids"]) == ("1500.50", [problem_id])
    registered = event[(leader["id"], 1)].data
    assert (registered["leading"], registered["organ_tier"]) == (True, "city")
    updated = event[(staff["id"], 2)].data
    assert (updated["leading"], updated["organ_id"], updated["changed_on"]) == (True, city_organ["id"], "2024-07-01")
