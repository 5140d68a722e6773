"""The shared problem ledger through the visits service's REST API, on both backends."""
from services.visits.app import create_app
from tests.backends import token


def test_problem_life_and_events(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    county = token("360702", "clerk", subject="clerk-1")
    created = client.post("/problems", json={"category": "infrastructure", "description": "村道破损",
                                             "region": "360702", "on": "2026-10-01"}, headers=county)
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    steps = [
        ("referral", {"unit_id": "organ-a", "unit_name": "交通局", "responsible_person": "王五",
                      "deadline": "2026-10-20", "on": "2026-10-02", "version": 1}),
        ("progress", {"note": "已派人勘察", "on": "2026-10-05", "version": 2}),
        ("done", {"result": "已修复", "on": "2026-10-10", "version": 3}),
        ("verification", {"satisfied": False, "feedback": "仍有坑洼", "on": "2026-10-11", "version": 4}),
        ("done", {"result": "全部修复", "on": "2026-10-15", "version": 5}),
        ("verification", {"satisfied": True, "on": "2026-10-16", "version": 6}),
    ]
    for action, body in steps:
        response = client.post(f"/problems/{pid}/{action}", json=body, headers=county)
        assert response.status_code == 200, (action, response.json)
    final = client.get(f"/problems/{pid}", headers=county).json
    assert (final["status"], final["reopen_count"], final["closed_on"], final["version"]) == ("closed", 1, "2026-10-16", 7)

    events = backend.published(app.extensions["shuangwan"])
    assert [e.type for e in events] == ["ProblemRaised", "ProblemReferred", "ProblemProgressed", "ProblemReportedDone",
                                        "ProblemReopened", "ProblemReportedDone", "ProblemResolved"]
    assert {(e.stream, e.region, e.tier) for e in events} == {(pid, "360702", "county")}
    assert [e.version for e in events] == list(range(1, 8))


def test_rejections_change_nothing(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    county = token("360702", "clerk")
    pid = client.post("/problems", json={"category": "policy", "description": "x", "region": "360702"},
                      headers=county).json["id"]
    stale = client.post(f"/problems/{pid}/referral", json={"unit_id": "u", "unit_name": "n", "responsible_person": "p",
                                                           "deadline": "2099-01-01", "version": 7}, headers=county)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    # A step dated before the last one is refused naming the request's own field (`on`).
    raised_on = client.get(f"/problems/{pid}", headers=county).json["raised_on"]
    early = client.post(f"/problems/{pid}/referral", json={"unit_id": "u", "unit_name": "n", "responsible_person": "p",
                                                           "deadline": "2099-01-01", "on": "2020-01-01"}, headers=county)
    assert early.status_code == 422 and early.json["error"]["fields"] == \
        {"on": [f"The date is before the problem's last step ({raised_on})."]}, early.json
    wrong_state = client.post(f"/problems/{pid}/done", json={"result": "r"}, headers=county)
    assert wrong_state.status_code == 409 and wrong_state.json["error"]["fields"] == {"status": [wrong_state.json["error"]["message"]]}
    bad = client.post("/problems", json={"category": "nope", "region": "360702"}, headers=county)
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"category", "description"}
    other_county = client.post("/problems", json={"category": "policy", "description": "x", "region": "360703"},
                               headers=county)
    assert other_county.status_code == 403
    viewer = client.post("/problems", json={"category": "policy", "description": "x", "region": "360702"},
                         headers=token("360702", "viewer"))
    assert viewer.status_code == 403
    malformed = client.post("/problems", data=b"{", headers={**county, "Content-Type": "application/json"})
    assert malformed.status_code == 400
    assert client.get(f"/problems/{pid}", headers=token("360703", "viewer")).status_code == 403

    events = backend.published(app.extensions["shuangwan"])
    assert [e.type for e in events] == ["ProblemRaised"]


def test_problems_are_listed_by_their_reference_or_its_start(backend):
    client = create_app(backend.settings("visits", office_region="360700")).test_client()
    clerk = token("360700", "clerk")
    for ref in ("campaign-1/traffic/work_quality", "campaign-1/court/organ_image", "campaign-10/traffic/work_quality", None):
        body = {"category": "service", "description": f"re {ref}", "region": "360700", **({"source_ref": ref} if ref else {})}
        assert client.post("/problems", json=body, headers=clerk).status_code == 201
    listed = client.get("/problems?source_ref_prefix=campaign-1/&page_size=50", headers=clerk).json
    assert sorted(p["source_ref"] for p in listed["items"]) == ["campaign-1/court/organ_image",
                                                                "campaign-1/traffic/work_quality"]
    assert listed["total"] == 2
    assert client.get("/problems?page_size=50", headers=clerk).json["total"] == 4
    assert client.get("/problems?source_ref_prefix=", headers=clerk).status_code == 422
    # or by one of several references, exactly
    listed = client.get("/problems?source_ref=campaign-1/court/organ_image&source_ref=campaign-10/traffic/work_quality"
                        "&source_ref=campaign-1/none", headers=clerk).json
    assert sorted(p["source_ref"] for p in listed["items"]) == ["campaign-1/court/organ_image",
                                                                "campaign-10/traffic/work_quality"]
    both = client.get("/problems?source_ref=x&source_ref_prefix=campaign-1/", headers=clerk)
    assert (both.status_code, list(both.json["error"]["fields"])) == (422, ["source_ref"])
    too_many = "&".join(f"source_ref=o{i}" for i in range(101))
    assert client.get(f"/problems?{too_many}", headers=clerk).status_code == 422
