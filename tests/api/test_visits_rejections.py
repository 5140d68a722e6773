"""Rejected requests to the visits service say why (field named, status meaningful) and emit nothing."""
from services.visits.app import create_app
from tests.backends import token

ADMIN = token("360700", "admin")
CLERK = token("360700", "clerk")
COUNTY = token("360702", "clerk")


def test_rejected_requests_change_nothing_and_emit_nothing(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()

    def post(url, body, headers, status):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == status, (url, body, response.json)
        return response.json

    def fields(url, body, headers=CLERK, status=422):
        return set(post(url, body, headers, status)["error"].get("fields", {}))

    city = post("/organs", {"name": "市发改委", "category": "government", "region": "360700"}, ADMIN, 201)
    county = post("/organs", {"name": "章贡区民政局", "category": "government", "region": "360702"}, ADMIN, 201)
    city_cadre = post("/cadres", {"organ_id": city["id"], "name": "张三", "rank": "county"}, ADMIN, 201)
    county_cadre = post("/cadres", {"organ_id": county["id"], "name": "李四", "rank": "section"}, ADMIN, 201)
    visit = {"cadre_ids": [county_cadre["id"]], "region": "360702", "visited_on": "2024-05-20", "place_type": "village",
             "place_name": "水南村", "activities": ["ask_needs"], "problems": [{"category": "other", "description": "x"}]}
    logged = post("/visits", {**visit, "problems": []}, COUNTY, 201)

    # 422, naming the field
    assert fields("/organs", {"name": "某局", "category": "court", "region": "360799"}, ADMIN) == {"region"}
    assert fields("/organs", {"name": "某局", "category": "army", "region": "36070"}, ADMIN) == {"category", "region"}
    assert fields("/cadres", {"organ_id": "organ-ghost", "name": "x", "rank": "clerk"}, ADMIN) == {"organ_id"}
    assert fields("/cadres", {"organ_id": city["id"], "name": "x", "rank": "general"}, ADMIN) == {"rank"}
    assert fields("/visits", {**visit, "place_type": "moon", "activities": []}) == {"place_type", "activities"}
    assert fields("/visits", {**visit, "cadre_ids": ["cadre-ghost"]}) == {"cadre_ids"}
    assert fields("/visits", {**visit, "visited_on": "2999-01-01"}) == {"visited_on"}
    assert fields("/visits", {**visit, "services": ["农技指导"]}) == {"activities"}  # 送服务 not listed
    assert fields("/visits", {**visit, "activities": ["deliver_service"],
                              "funds": [{"purpose": "助学", "amount_yuan": "10.005"}]}) == {"funds.0.amount_yuan"}
    assert fields("/visits", {**visit, "unexpected": 1}) == {"unexpected"}
    assert fields("/reports", {"cadre_id": "cadre-ghost", "title": "t", "summary": "s"}) == {"cadre_id"}
    assert fields("/pairings", {"kind": "organ_village", "organ_id": city["id"], "partner_name": "村党支部",
                                "region": "360702", "start_on": "2024-02-01", "end_on": "2024-01-01"}) == {"end_on"}
    assert set(client.get("/visits?from=2024-06-01&to=2024-05-01", headers=CLERK).json["error"]["fields"]) == {"from"}

    # 401 without a token, 403 for a lesser role or another county
    assert post("/visits", visit, {}, 401)["error"]["code"] == "unauthenticated"
    post("/visits", visit, token("360702", "viewer"), 403)
    post("/organs", {"name": "某局", "category": "court", "region": "360702"}, COUNTY, 403)
    post("/visits", {**visit, "region": "360703"}, COUNTY, 403)
    post("/visits", {**visit, "cadre_ids": [city_cadre["id"]]}, COUNTY, 403)  # a city organ's cadre
    assert client.get(f"/cadres/{city_cadre['id']}", headers=token("360702", "viewer")).status_code == 403
    assert client.get("/visits?region=360703", headers=COUNTY).status_code == 403

    # 404 for what does not exist (or is not a visit), 409 for a stale version or a broken rule
    assert client.get("/visits/visit-ghost", headers=CLERK).status_code == 404
    assert client.get(f"/visits/{city['id']}", headers=CLERK).status_code == 404
    post("/visits/visit-ghost/cancellation", {"reason": "x"}, CLERK, 404)
    stale = post(f"/visits/{logged['id']}/cancellation", {"reason": "x", "version": 3}, CLERK, 409)
    assert stale["error"]["code"] == "version_conflict"
    assert fields("/organs", {"name": "市发改委", "category": "government", "region": "360700"}, ADMIN, 409) == {"name"}

    assert client.get(f"/visits/{logged['id']}", headers=CLERK).json["version"] == 1
    assert client.get("/problems", headers=CLERK).json["total"] == 0
    events = backend.published(app.extensions["shuangwan"])
    assert sorted(e.type for e in events) == ["CadreRegistered", "CadreRegistered", "OrganRegistered",
                                              "OrganRegistered", "VisitLogged"]
