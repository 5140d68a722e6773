"""Questionnaire answers through the REST API: invitation codes, paper batches, every rejection."""
import threading

from services.appraisal.domain.invitations import make_token
from shared.contracts.appraisal import ratings_by_organ
from tests.api.appraisal_support import ADMIN, CITY, CLERK, appraisal_app, context, open_campaign
from tests.backends import token

RATING = {"organ_id": "traffic", "dimension": "service_attitude", "level": "dissatisfied"}


def invitation_codes(client, cid: str, count: int = 3) -> tuple[str, list[str]]:
    batch = client.post(f"/campaigns/{cid}/invitation-batches", json={
        "respondent_category": "npc_deputy", "count": count, "label": "人大代表第一批"}, headers=ADMIN)
    assert batch.status_code == 201, batch.json
    exported = client.get(f"/batches/{batch.json['id']}/invitations.csv", headers=ADMIN)
    assert exported.status_code == 200 and exported.headers["Cache-Control"] == "no-store"
    rows = [line.split(",") for line in exported.data.decode("utf-8-sig").splitlines()[1:]]
    assert [int(r[0]) for r in rows] == list(range(1, count + 1)) and all(r[2].endswith("#" + r[1]) for r in rows)
    return batch.json["id"], [r[1] for r in rows]


def test_invitations_paper_batches_and_rejections(backend):
    app, client = appraisal_app(backend)
    cid = open_campaign(client)
    batch_id, codes = invitation_codes(client, cid)
    sheet = client.get(f"/batches/{batch_id}/invitations.html", headers=ADMIN)
    assert sheet.status_code == 200 and sheet.data.count(b"<svg") == 3 and codes[0].encode() in sheet.data
    assert "script-src" not in sheet.headers["Content-Security-Policy"]
    assert client.get(f"/batches/{batch_id}/invitations.csv", headers=token(CITY, "clerk")).status_code == 403

    form = client.post("/invitations/form", json={"token": codes[0]})
    assert (form.status_code, form.json["respondent_category"], form.json["used"]) == (200, "npc_deputy", False)
    answers = {"token": codes[0], "ratings": [RATING, {**RATING, "organ_id": "court", "level": "unknown"}],
               "organ_opinions": [{"organ_id": "traffic", "text": "窗口态度差"}], "overall_opinion": "希望改进"}
    accepted = client.post("/responses", json=answers)
    assert accepted.status_code == 201, accepted.json
    assert (accepted.json["campaign_id"], accepted.json["questionnaire_version"]) == (cid, 1)

    # Every rejection: right status, the field, and nothing stored (checked on the bus at the end).
    rejections = [
        (answers, 409, "invitation_used", "token"),
        ({**answers, "token": codes[1][:-1] + ("1" if codes[1][-1] == "0" else "0")}, 403, "invalid_invitation", "token"),
        ({**answers, "token": make_token("test-hash-key", "batch-00000000000000ff", 1)}, 403, "invalid_invitation", "token"),
        ({**answers, "token": "hello"}, 403, "invalid_invitation", "token"),
        ({"token": codes[1], "ratings": [{**RATING, "organ_id": "tax-bureau"}]}, 422, "invalid", "ratings.0.organ_id"),
        ({"token": codes[1], "ratings": [{**RATING, "level": "very_good"}]}, 422, "invalid", "ratings.0.level"),
        ({"token": codes[1], "ratings": [RATING], "questionnaire_version": 2}, 422, "invalid", "questionnaire_version"),
        ({"ratings": [RATING]}, 422, "invalid", "token"),
    ]
    for body, status, code, field in rejections:
        rejected = client.post("/responses", json=body)
        assert (rejected.status_code, rejected.json["error"]["code"]) == (status, code), (body, rejected.json)
        assert field in rejected.json["error"]["fields"], rejected.json
    assert client.post("/invitations/form", json={"token": codes[0]}).json["used"] is True

    paper = client.post(f"/campaigns/{cid}/paper-batches", json={
        "respondent_category": "farmer_or_resident", "count": 1}, headers=ADMIN).json
    keyed = [client.post(f"/batches/{paper['id']}/responses", json={"ratings": [RATING], "on": "2026-05-20"},
                         headers=CLERK) for _ in range(2)]
    assert [k.status_code for k in keyed] == [201, 201]
    assert [k.json["flags"] for k in keyed] == [[], ["batch_over_returned"]]
    assert client.post(f"/batches/{batch_id}/responses", json={"ratings": [RATING]}, headers=CLERK).status_code == 409
    assert client.post("/responses", json={"token": make_token("test-hash-key", paper["id"], 1),
                                           "ratings": [RATING]}).status_code == 403
    batches = {b["id"]: b for b in client.get(f"/campaigns/{cid}/batches", headers=ADMIN).json["items"]}
    assert (batches[batch_id]["returned"], batches[batch_id]["over_returned"]) == (1, False)
    assert (batches[paper["id"]]["returned"], batches[paper["id"]]["over_returned"]) == (2, True)

    assert client.post(f"/campaigns/{cid}/close", json={}, headers=ADMIN).status_code == 200
    closed = client.post("/responses", json={"token": codes[2], "ratings": [RATING]})
    assert (closed.status_code, closed.json["error"]["fields"]) == (409, {"campaign": [closed.json["error"]["message"]]})

    events = backend.published(context(app))
    # Order holds within a stream (the bus's promise), not across streams.
    assert [e.type for e in events if e.stream == cid] == ["CampaignDrafted", "CampaignOpened", "CampaignClosed"]
    assert sorted(e.type for e in events if e.stream != cid) == [
        "InvitationBatchIssued", "PaperBatchRecorded"] + ["QuestionnaireSubmitted"] * 3
    by_channel = sorted(((e.data["channel"], e.data) for e in events if e.type == "QuestionnaireSubmitted"),
                        key=lambda pair: pair[0])
    assert [channel for channel, _ in by_channel] == ["online", "paper", "paper"]
    online = by_channel[0][1]
    assert (online["batch_id"], online["respondent_category"], online["channel"]) == (batch_id, "npc_deputy", "online")
    assert online["ratings"] == ratings_by_organ(answers["ratings"]) and online["organ_opinions"] == answers["organ_opinions"]
    assert all(code not in str(e.data) + e.stream for e in events for code in codes)  # tokens never stored


def test_one_invitation_twenty_racing_submissions(backend):
    app, client = appraisal_app(backend)
    cid = open_campaign(client)
    _, (code,) = invitation_codes(client, cid, count=1)
    start = threading.Barrier(20)
    statuses = []

    def submit():
        own_client = app.test_client()
        start.wait()
        statuses.append(own_client.post("/responses", json={"token": code, "ratings": [RATING]}).status_code)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 19

    events = backend.published(context(app))
    assert [e.type for e in events].count("QuestionnaireSubmitted") == 1
