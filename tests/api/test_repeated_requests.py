"""POSTs sent again with the same `Idempotency-Key` (shared/web/idempotency.py) are answered as the
first time and record nothing twice, on both backends; a first try that failed part-way is
completed, not repeated."""
from __future__ import annotations

from datetime import timedelta

from services.visits.app import create_app
from shared import clock
from shared.web import idempotency
from tests.api.appraisal_support import appraisal_app, context, open_campaign
from tests.backends import token
from tests.faults import switch_off

ADMIN = token("360700", "admin")
CLERK = token("360702", "clerk", subject="county-clerk")
PROBLEMS = [{"category": "livelihood", "description": "路灯坏了"}, {"category": "infrastructure", "description": "桥面开裂"}]


def keyed(headers: dict, key: str) -> dict:
    return {**headers, "Idempotency-Key": key}


def visits_service(backend):
    app = create_app(backend.settings("visits", office_region="360700"))
    client = app.test_client()
    organ = client.post("/organs", json={"name": "章贡区民政局", "category": "government", "region": "360702"},
                        headers=ADMIN).json
    cadre = client.post("/cadres", json={"organ_id": organ["id"], "name": "李四", "rank": "section"}, headers=ADMIN).json
    visit = {"cadre_ids": [cadre["id"]], "region": "360702", "visited_on": "2026-05-20", "place_type": "village",
             "place_name": "水南村", "activities": ["ask_needs"], "problems": PROBLEMS}
    return app, client, visit


def answers_not_kept(patch, views) -> None:
    """The views store refuses to keep answers to repeatable requests (and only those)."""
    switch_off(patch, views, "put_many", lambda collection, docs: collection == idempotency.ANSWERS)


def stored_types(app) -> list[str]:
    """The types of the events the service stored, in order (its relay run first: on MongoDB it is
    what gives stored events their place in that order)."""
    context = app.extensions["shuangwan"]
    context.bus.ensure_topics([context.topic])
    context.relay().drain()
    return [e.type for e in context.store.read_after(0)]


def test_a_visit_sent_again_is_answered_as_the_first_time_and_logged_once(backend):
    app, client, visit = visits_service(backend)
    first = client.post("/visits", json=visit, headers=keyed(CLERK, "visit-7f3a"))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = client.post("/visits", json=visit, headers=keyed(CLERK, '"visit-7f3a"'))  # (the draft's quoted form)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    stored = stored_types(app)
    assert stored.count("VisitLogged") == 1 and stored.count("ProblemRaised") == 2

    # The same key with another body: the client reuses keys, and is told so; nothing is stored.
    other_body = client.post("/visits", json={**visit, "place_name": "水北村"}, headers=keyed(CLERK, "visit-7f3a"))
    assert other_body.status_code == 422
    assert other_body.json["error"]["fields"] == {"Idempotency-Key": ["used before with another body"]}
    assert stored_types(app) == stored

    other_key = client.post("/visits", json=visit, headers=keyed(CLERK, "visit-8b21"))
    other_caller = client.post("/visits", json=visit, headers=keyed(token("360702", "clerk", subject="b"), "visit-7f3a"))
    unkeyed = [client.post("/visits", json=visit, headers=CLERK) for _ in range(2)]
    ids = {r.json["id"] for r in (first, other_key, other_caller, *unkeyed)}
    assert len(ids) == 5 and stored_types(app).count("VisitLogged") == 5


def test_a_visit_whose_first_try_failed_after_its_problems_is_completed_without_them_twice(backend, monkeypatch):
    app, client, visit = visits_service(backend)
    with monkeypatch.context() as patch:
        switch_off(patch, app.extensions["shuangwan"].store, "append", lambda stream, *_: stream.startswith("visit-"))
        failed = client.post("/visits", json=visit, headers=keyed(CLERK, "k1"))
    assert failed.status_code == 503 and stored_types(app).count("ProblemRaised") == 2

    retried = client.post("/visits", json=visit, headers=keyed(CLERK, "k1"))
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    stored = stored_types(app)
    assert stored.count("ProblemRaised") == 2 and stored.count("VisitLogged") == 1
    listed = client.get("/problems", headers=CLERK).json["items"]
    assert sorted(p["id"] for p in listed) == sorted(retried.json["problem_ids"])


def test_a_visit_whose_answer_was_not_kept_is_found_by_its_events(backend, monkeypatch):
    """The command done, its answer not kept (the views store away for a moment): sent again, the
    same ids find the same events."""
    app, client, visit = visits_service(backend)
    with monkeypatch.context() as patch:
        answers_not_kept(patch, app.extensions["shuangwan"].views)
        first = client.post("/visits", json=visit, headers=keyed(CLERK, "k2"))
        assert first.status_code == 201
    again = client.post("/visits", json=visit, headers=keyed(CLERK, "k2"))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and stored_types(app).count("VisitLogged") == 1


def age_kept_answers(views, by: timedelta) -> None:
    """Every answer kept as if kept `by` earlier, its body spoilt (so that giving it again shows)."""
    aged = [{**kept, "kept_at": idempotency.stamp(clock.now() - by), "body": '{"stale": true}'}
            for kept in views.find(idempotency.ANSWERS)]
    views.put_many(idempotency.ANSWERS, aged)


def test_an_answer_kept_past_a_day_is_not_given_again_and_is_removed(backend, monkeypatch):
    app, client, visit = visits_service(backend)
    views = app.extensions["shuangwan"].views
    first = client.post("/visits", json=visit, headers=keyed(CLERK, "k3"))
    age_kept_answers(views, idempotency.KEEP_FOR - timedelta(minutes=1))
    assert client.post("/visits", json=visit, headers=keyed(CLERK, "k3")).json == {"stale": True}  # still kept

    age_kept_answers(views, idempotency.KEEP_FOR + timedelta(minutes=1))
    late = client.post("/visits", json=visit, headers=keyed(CLERK, "k3"))
    # Answered afresh; the events are still found by their ids, so the visit is still logged once.
    assert late.status_code == 201 and late.json == first.json and late.headers["Idempotent-Replayed"] == "true"
    assert stored_types(app).count("VisitLogged") == 1

    # The process pruned when it kept the first answer: the next time is an hour on, then those past a day go.
    age_kept_answers(views, idempotency.KEEP_FOR + timedelta(minutes=1))
    other = client.post("/visits", json={**visit, "place_name": "水北村"}, headers=keyed(CLERK, "k4"))
    assert len(views.find(idempotency.ANSWERS)) == 2
    monkeypatch.setattr(idempotency, "PRUNE_EVERY", timedelta(0))
    fresh = client.post("/visits", json={**visit, "place_name": "水东村"}, headers=keyed(CLERK, "k5"))
    kept = views.find(idempotency.ANSWERS)
    assert sorted(k["body"] for k in kept) == sorted(r.get_data(as_text=True) for r in (other, fresh))


def test_an_organ_registered_again_under_its_key_is_the_same_organ(backend):
    app, client, _ = visits_service(backend)
    body = {"name": "市民政局", "category": "government", "region": "360700"}
    first = client.post("/organs", json=body, headers=keyed(ADMIN, "organ-1"))
    again = client.post("/organs", json=body, headers=keyed(ADMIN, "organ-1"))
    assert (first.status_code, again.status_code) == (201, 201) and again.json == first.json
    duplicate = client.post("/organs", json=body, headers=keyed(ADMIN, "organ-2"))
    assert duplicate.status_code == 409 and duplicate.json["error"]["fields"] == {"name": [
        "An organ named 市民政局 is already registered in 360700."]}


def test_a_bad_idempotency_key_is_refused_and_records_nothing(backend):
    app, client, visit = visits_service(backend)
    before = stored_types(app)
    for key in ("", " ", "x" * 256, "键", "a\x7fb"):
        refused = client.post("/visits", json=visit, headers={**CLERK, "Idempotency-Key": key})
        assert refused.status_code == 400, key
        assert refused.json["error"]["fields"] == {"Idempotency-Key": ["not 1 to 255 visible ASCII characters"]}
    assert stored_types(app) == before


def test_an_opinion_sent_again_is_one_opinion(backend, monkeypatch):
    app, client = appraisal_app(backend)
    cid = open_campaign(client)
    body = {"organ_id": "traffic", "text": "办证要跑三趟"}
    first = client.post(f"/campaigns/{cid}/opinions", json=body, headers={"Idempotency-Key": "o-1"})
    again = client.post(f"/campaigns/{cid}/opinions", json=body, headers={"Idempotency-Key": "o-1"})
    assert (first.status_code, again.status_code) == (201, 201) and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"

    # Its answer not kept, an opinion sent again is a conflict (its time of sending differs), not a second one.
    with monkeypatch.context() as patch:
        answers_not_kept(patch, context(app).views)
        assert client.post(f"/campaigns/{cid}/opinions", json=body, headers={"Idempotency-Key": "o-2"}).status_code == 201
    assert client.post(f"/campaigns/{cid}/opinions", json=body, headers={"Idempotency-Key": "o-2"}).status_code == 409
    listed = client.get(f"/campaigns/{cid}/opinions", headers=ADMIN).json["items"]
    assert len(listed) == 2


def test_every_post_of_both_services_documents_the_header(backend):
    for app in (visits_service(backend)[0], appraisal_app(backend)[0]):
        spec = app.test_client().get("/openapi.json").json
        posts = [op for ops in spec["paths"].values() for method, op in ops.items() if method == "post"]
        assert posts and all(idempotency.PARAMETER in op["parameters"] for op in posts)
