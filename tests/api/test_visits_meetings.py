"""Report meetings on advanced grassroots examples (先进典型报告会) through the REST API, on both backends:
recorded, refused with the field named, listed by date and status, cancelled, and published as events."""
from services.visits.app import create_app
from tests.backends import token

CLERK = token("360700", "clerk", subject="clerk-1")
COUNTY = token("360702", "clerk", subject="county-clerk")
VIEWER = token("360700", "viewer", subject="reader")

MEETING = {"region": "360702", "held_on": "2024-06-18", "title": "践行科学发展观基层先进典型报告会",
           "place": "章贡区委党校礼堂", "host": "章贡区直机关工委", "attendance": 320,
           "exemplars": [{"name": "钟春香", "unit": "水南村", "deeds": "带领村民发展脐橙产业"},
                         {"name": "刘建", "unit": "赣州某电子厂"}]}


def test_meetings_are_recorded_listed_and_cancelled(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    held = client.post("/meetings", json=MEETING, headers=COUNTY)
    assert held.status_code == 201, held.json
    meeting = held.json
    assert (meeting["status"], meeting["version"], meeting["exemplars"][1]["deeds"], meeting["cancellation"]) == \
        ("held", 1, None, None)
    later = client.post("/meetings", json={**MEETING, "held_on": "2024-09-02", "title": "第二场报告会",
                                           "region": "360700"}, headers=CLERK).json

    # Refused, the field named, nothing stored
    for body, field, status in (
            ({**MEETING, "exemplars": []}, "exemplars", 422),
            ({**MEETING, "attendance": 0}, "attendance", 422),
            ({**MEETING, "exemplars": [{"name": "钟春香"}]}, "exemplars.0.unit", 422),
            ({**MEETING, "held_on": "2999-01-01"}, "held_on", 422)):
        refused = client.post("/meetings", json=body, headers=CLERK)
        assert (refused.status_code, field in refused.json["error"]["fields"]) == (status, True), refused.json
    assert client.post("/meetings", json={**MEETING, "region": "360700"}, headers=COUNTY).status_code == 403
    assert client.post("/meetings", json=MEETING, headers=VIEWER).status_code == 403

    listed = client.get("/meetings?from=2024-06-01&to=2024-12-31", headers=VIEWER).json
    assert [m["id"] for m in listed["items"]] == [later["id"], meeting["id"]]  # newest first
    assert [m["id"] for m in client.get("/meetings", headers=COUNTY).json["items"]] == [meeting["id"]]

    cancelled = client.post(f"/meetings/{meeting['id']}/cancellation",
                            json={"reason": "重复录入", "version": 1, "on": "2024-06-20"}, headers=COUNTY)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["cancellation"] == {"reason": "重复录入", "cancelled_on": "2024-06-20"}
    assert client.post(f"/meetings/{meeting['id']}/cancellation", json={"reason": "再次", "version": 1},
                       headers=COUNTY).status_code == 409
    assert [m["id"] for m in client.get("/meetings?status=held", headers=VIEWER).json["items"]] == [later["id"]]
    assert client.get(f"/meetings/{later['id']}", headers=COUNTY).status_code == 403

    events = sorted(backend.published(app.extensions["shuangwan"]), key=lambda e: (e.stream, e.version))
    assert [(e.type, e.stream, e.region) for e in events if e.stream == meeting["id"]] == [
        ("ExemplarMeetingHeld", meeting["id"], "360702"), ("ExemplarMeetingCancelled", meeting["id"], "360702")]
    assert len(events) == 3
