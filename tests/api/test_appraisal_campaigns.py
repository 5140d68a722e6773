"""Appraisal campaigns through the REST API, on both backends."""
from tests.api.appraisal_support import ADMIN, CITY, RESPONDENTS, TARGETS, appraisal_app, context
from tests.backends import token


def test_campaign_life_and_events(backend):
    app, client = appraisal_app(backend)
    created = client.post("/campaigns", json={
        "title": "2026年度群众评机关", "targets": TARGETS[:1], "respondent_categories": RESPONDENTS,
        "scoring": {"level_points": {"basically_satisfied": 75}, "bottom_n": 2},
        "opinion_limits": {"over_limit": "block"}, "on": "2026-05-01"}, headers=ADMIN)
    assert created.status_code == 201, created.json
    cid, campaign = created.json["id"], created.json
    assert (campaign["status"], campaign["region"], campaign["questionnaire"]["version"]) == ("draft", CITY, 1)
    assert campaign["scoring"]["level_points"]["basically_satisfied"] == 75 and campaign["scoring"]["min_valid_n"] == 30

    steps = [
        ("put", "", {"title": "2026年度群众评机关", "targets": TARGETS, "respondent_categories": RESPONDENTS,
                     "version": 1, "on": "2026-05-02"}),
        ("post", "/questionnaire", {"questionnaire": {"instructions": "请如实填写"}, "version": 2}),
        ("post", "/open", {"version": 3, "on": "2026-05-03"}),
        ("post", "/questionnaire", {"questionnaire": {"instructions": "第三版"}, "reason": "措辞"}),
        ("post", "/seal", {"reason": "评议期间不公开"}),
    ]
    for method, path, body in steps:
        response = getattr(client, method)(f"/campaigns/{cid}{path}", json=body, headers=ADMIN)
        assert response.status_code == 200, (path, response.json)
    view = client.get(f"/campaigns/{cid}", headers=token(CITY, "viewer")).json
    assert (view["status"], view["sealed"], view["answerable_versions"], view["opened_on"]) == ("open", True, [2, 3], "2026-05-03")
    form = client.get(f"/campaigns/{cid}/form?version=2")  # public: no token
    assert form.status_code == 200 and form.json["questionnaire"]["instructions"] == "请如实填写"
    assert [o["organ_id"] for o in form.json["organs"]] == ["traffic", "court"] and "scoring" not in form.json
    listed = client.get("/campaigns?status=open", headers=token("360000", "viewer")).json
    assert [c["id"] for c in listed["items"]] == [cid]
    assert client.post(f"/campaigns/{cid}/close", json={}, headers=ADMIN).json["sealed"] is False

    events = backend.published(context(app))
    assert [e.type for e in events] == ["CampaignDrafted", "CampaignAmended", "QuestionnaireRevised", "CampaignOpened",
                                        "QuestionnaireRevised", "CampaignSealed", "CampaignClosed"]
    assert {(e.stream, e.region, e.tier) for e in events} == {(cid, CITY, "city")}
    opened = events[3].data
    assert opened["questionnaire"]["version"] == 2 and opened["targets"] == TARGETS
    assert opened["scoring"]["level_points"] == {"satisfied": 100, "basically_satisfied": 70, "dissatisfied": 0, "unknown": 0}
    assert opened["opinion_limits"]["over_limit"] == "flag"  # the amendment replaced the whole definition
    assert opened["respondent_categories"] == [{**r, "weight": None} for r in RESPONDENTS]


def test_campaign_rejections_change_nothing(backend):
    app, client = appraisal_app(backend)
    cid = client.post("/campaigns", json={"title": "评议", "targets": TARGETS, "respondent_categories": RESPONDENTS},
                      headers=ADMIN).json["id"]
    invalid = client.post("/campaigns", json={"targets": [{**TARGETS[0], "category": "army"}],
                                              "scoring": {"bottom_n": -1}}, headers=ADMIN)
    assert invalid.status_code == 422
    assert set(invalid.json["error"]["fields"]) == {"title", "targets.0.category", "scoring.bottom_n"}
    stranger = client.post("/campaigns", json={"title": "评议", "targets": [{**TARGETS[0], "region": "360802"}]},
                           headers=ADMIN)
    assert stranger.status_code == 422 and set(stranger.json["error"]["fields"]) == {"targets.0.region"}
    assert client.post("/campaigns", json={"title": "评议", "region": "360800"}, headers=ADMIN).status_code == 403
    assert client.post("/campaigns", json={"title": "评议"}, headers=token(CITY, "clerk")).status_code == 403
    assert client.post("/campaigns", json={"title": "评议"}).status_code == 401
    assert client.get(f"/campaigns/{cid}", headers=token("360702", "admin")).status_code == 403
    assert client.post(f"/campaigns/{cid}/seal", json={}, headers=ADMIN).status_code == 409  # a draft
    assert client.get(f"/campaigns/{cid}/form").status_code == 409                         # not open yet
    stale = client.post(f"/campaigns/{cid}/open", json={"version": 5}, headers=ADMIN)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    versioned = client.post(f"/campaigns/{cid}/questionnaire", json={"questionnaire": {"version": 9}}, headers=ADMIN)
    assert versioned.status_code == 422 and "questionnaire.version" in versioned.json["error"]["fields"]
    bad_scale = client.post(f"/campaigns/{cid}/questionnaire", json={"questionnaire": {
        "levels": [{"code": "satisfied", "name": "满意"}]}}, headers=ADMIN)
    assert bad_scale.status_code == 422 and set(bad_scale.json["error"]["fields"]) == {"questionnaire.levels"}
    assert client.post(f"/campaigns/{cid}/open", json={"on": "2099-01-01"}, headers=ADMIN).status_code == 422

    events = backend.published(context(app))
    assert [e.type for e in events] == ["CampaignDrafted"]


def test_public_campaign_list_and_citizens_pages(backend):
    """`GET /public/campaigns` lists only open campaigns, with their organs and nothing private; the
    citizens' pages are served with the strict policy and stay out of the OpenAPI document."""
    from tests.api.appraisal_support import open_campaign
    app, client = appraisal_app(backend)
    draft = client.post("/campaigns", json={"title": "草稿", "targets": TARGETS}, headers=ADMIN).json["id"]
    closed = open_campaign(client, title="已结束")
    assert client.post(f"/campaigns/{closed}/close", json={}, headers=ADMIN).status_code == 200
    cid = open_campaign(client)

    listed = client.get("/public/campaigns")  # no token: public
    assert listed.status_code == 200
    assert listed.json == {"items": [{"id": cid, "title": "2026年度群众评机关", "starts_on": None, "ends_on": None,
                                      "organs": [{k: t[k] for k in ("organ_id", "name", "category")}
                                                 for t in TARGETS]}]}
    assert draft not in str(listed.json)

    for path, kind in [("/answer", "text/html"), ("/public/", "text/html"), ("/assets/citizen.js", "javascript"),
                       ("/assets/citizen.css", "text/css"), ("/common/pages.js", "javascript"),
                       ("/common/pages.css", "text/css")]:
        page = client.get(path)
        assert page.status_code == 200 and kind in page.content_type, path
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
    paths = client.get("/openapi.json").json["paths"]
    assert "/public/campaigns" in paths and not [p for p in paths if p in ("/answer", "/public/") or "assets" in p
                                                 or p.startswith("/common")]
