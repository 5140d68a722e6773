"""Online opinions, moderation and rectification through the REST API, on both backends."""
from tests.api.appraisal_support import ADMIN, CITY, CLERK, appraisal_app, context, open_campaign
from tests.backends import token

PHONE = "13800000000"


def test_opinions_flags_moderation_and_rectification(backend):
    app, client = appraisal_app(backend)
    cid = open_campaign(client, opinion_limits={"per_device_per_hour": 2, "organ_burst_per_hour": 3})
    device = {"device_id": "device-aaaa-1111"}
    statuses, receipts = [], []
    for i in range(3):  # the third from the same device is over the limit: flagged, still accepted
        r = client.post(f"/campaigns/{cid}/opinions", json={"organ_id": "traffic", "text": f"办证慢 {i}", **device})
        statuses.append(r.status_code)
        receipts.append(r.json)
    general = client.post(f"/campaigns/{cid}/opinions", json={"text": "总体服务有进步", "phone": PHONE},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    again = client.post(f"/campaigns/{cid}/opinions", json={"text": "再说一次", "phone": PHONE, "organ_id": "traffic"},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    repeat = client.post(f"/campaigns/{cid}/opinions", json={"text": "还是这些话", "phone": PHONE})
    assert statuses == [201, 201, 201] and {general.status_code, again.status_code, repeat.status_code} == {201}
    assert "flags" not in receipts[0]  # nothing tells a sender how it was judged

    listed = client.get(f"/campaigns/{cid}/opinions?organ_id=traffic", headers=token(CITY, "viewer")).json
    flags = {o["text"]: o["flags"] for o in listed["items"]}
    assert flags == {"办证慢 0": [], "办证慢 1": [], "办证慢 2": ["device_rate"], "再说一次": ["organ_burst"]}
    assert not any(key.endswith("_hash") for item in listed["items"] for key in item)
    flagged = client.get(f"/campaigns/{cid}/opinions?flagged=true", headers=ADMIN).json
    assert [o["flags"] for o in flagged["items"]] == [["phone_repeat"], ["organ_burst"], ["device_rate"]]

    hidden = client.post(f"/opinions/{receipts[1]['id']}/hide", json={"reason": "含辱骂"}, headers=ADMIN)
    assert (hidden.status_code, hidden.json["hidden"], hidden.json["text"]) == (200, True, "办证慢 1")
    assert client.post(f"/opinions/{receipts[1]['id']}/hide", json={"reason": "x"}, headers=CLERK).status_code == 403

    problem = client.post(f"/opinions/{receipts[0]['id']}/problem", json={
        "category": "service", "responsible_person": "王科长", "deadline": "2099-06-30", "on": "2026-05-20"},
        headers=CLERK)
    assert problem.status_code == 201, problem.json
    p = problem.json
    assert (p["source"], p["source_ref"], p["status"], p["unit_id"], p["unit_name"], p["description"]) == (
        "opinion", receipts[0]["id"], "assigned", "traffic", "市交通运输局", "办证慢 0")
    for action, body in [("progress", {"note": "增设窗口"}), ("done", {"result": "已增设两个窗口"}),
                         ("verification", {"satisfied": True})]:
        assert client.post(f"/problems/{p['id']}/{action}", json=body, headers=CLERK).status_code == 200, action
    dimension = client.post(f"/campaigns/{cid}/rectifications", json={
        "organ_id": "court", "dimension": "service_attitude", "category": "conduct",
        "description": "服务态度满意率偏低"}, headers=CLERK)
    assert dimension.status_code == 201
    assert (dimension.json["source"], dimension.json["region"], dimension.json["status"]) == (
        "questionnaire", "360702", "registered")

    # Rejections: each changes nothing.
    rejections = [
        client.post(f"/opinions/{receipts[0]['id']}/problem", json={"category": "service"}, headers=CLERK),  # twice
        client.post(f"/opinions/{general.json['id']}/problem", json={
            "category": "service", "responsible_person": "x", "deadline": "2099-01-01"}, headers=CLERK),  # no organ
        client.post(f"/campaigns/{cid}/rectifications", json={
            "organ_id": "tax", "dimension": "work_quality", "category": "conduct", "description": "x"}, headers=CLERK),
        client.post(f"/campaigns/{cid}/opinions", json={"organ_id": "tax", "text": "x"}),
        client.post(f"/campaigns/{cid}/opinions", json={"text": "x", "phone": "12345"}),
        client.post(f"/campaigns/{cid}/opinions", json={"text": ""}),
    ]
    assert [r.status_code for r in rejections] == [409, 422, 422, 422, 422, 422]
    assert [set(r.json["error"]["fields"]) for r in rejections] == [
        {"source_ref"}, {"responsible_person"}, {"organ_id"}, {"organ_id"}, {"phone"}, {"text"}]

    blocking = open_campaign(client, opinion_limits={"per_ip_per_hour": 1, "over_limit": "block"})
    assert client.post(f"/campaigns/{blocking}/opinions", json={"text": "第一条"}).status_code == 201
    blocked = client.post(f"/campaigns/{blocking}/opinions", json={"text": "第二条"})
    assert (blocked.status_code, blocked.json["error"]["code"]) == (429, "too_many_requests")
    client.post(f"/campaigns/{blocking}/close", json={}, headers=ADMIN)
    assert client.post(f"/campaigns/{blocking}/opinions", json={"text": "关闭后"}).status_code == 409

    events = backend.published(context(app))
    kinds = [e.type for e in events]
    assert kinds.count("OpinionSubmitted") == 7 and kinds.count("OpinionHidden") == 1
    assert kinds.count("ProblemRaised") == 2 and kinds.count("ProblemResolved") == 1
    problem_events = [e.type for e in events if e.stream == p["id"]]
    assert problem_events == ["ProblemRaised", "ProblemReferred", "ProblemProgressed", "ProblemReportedDone",
                              "ProblemResolved"]
    phone_opinions = [e.data for e in events if e.type == "OpinionSubmitted" and e.data["phone_hash"]]
    assert len(phone_opinions) == 3 and len({o["phone_hash"] for o in phone_opinions}) == 1
    assert phone_opinions[0]["ip_hash"] != "10.0.0.9"
    assert all(PHONE not in str(e.data) and "10.0.0.9" not in str(e.data) for e in events)
