"""Racing writers over real HTTP, against gunicorn (two worker processes, threads in each), on both
backends: optimistic concurrency holds across processes.

- Two office admins change one record from the same version at the same moment: exactly one wins, the
  other gets 409 `version_conflict`; the record holds the winner's change.
- Twenty citizens submit with one invitation code at once: exactly one is accepted.
  (tests/api/test_appraisal_responses.py races the same in process, through Flask's test client.)
"""
from __future__ import annotations

import threading

import requests

from services.appraisal.domain.invitations import spent_stream_id
from tests.reliability.support import ADMIN, CLERK, Stack, expect, rating_body

ROUNDS = 5
RACERS = 20


def race(calls) -> list[requests.Response]:
    """Runs the calls at the same instant, each on its own connection; their responses in order."""
    start = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(i, call):
        session = requests.Session()
        start.wait()
        answers[i] = call(session)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_two_writers_from_one_stale_version_and_one_invitation_spent_by_twenty(backend, procs):
    stack = Stack(backend, procs)
    visits, appraisal = stack.api("visits", workers=2), stack.api("appraisal", workers=2)
    cadre = stack.organ_and_cadre()

    for round_ in range(ROUNDS):
        version = expect(stack.http.get(f"{visits}/cadres/{cadre}", headers=CLERK, timeout=30), 200)["version"]
        positions = [f"第{round_}轮-{k}" for k in range(2)]
        answers = race([lambda s, p=p: s.patch(f"{visits}/cadres/{cadre}", json={"version": version, "position": p},
                                               headers=ADMIN, timeout=30) for p in positions])
        assert sorted(a.status_code for a in answers) == [200, 409], [(a.status_code, a.text) for a in answers]
        loser = next(a for a in answers if a.status_code == 409).json()["error"]
        assert loser["code"] == "version_conflict"
        winner = positions[[a.status_code for a in answers].index(200)]
        now = expect(stack.http.get(f"{visits}/cadres/{cadre}", headers=CLERK, timeout=30), 200)
        assert (now["version"], now["position"]) == (version + 1, winner)

    cid = stack.post("appraisal", "/campaigns", {"title": "并发测评", "targets": [
        {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": "360700"},
        {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": "360702"}],
        "respondent_categories": [{"category": "npc_deputy", "quota": 10}]}, ADMIN)["id"]
    stack.post("appraisal", f"/campaigns/{cid}/open", {}, ADMIN, 200)
    batch = stack.post("appraisal", f"/campaigns/{cid}/invitation-batches",
                       {"respondent_category": "npc_deputy", "count": 1}, ADMIN)["id"]
    exported = stack.http.get(f"{appraisal}/batches/{batch}/invitations.csv", headers=ADMIN, timeout=30)
    code = exported.content.decode("utf-8-sig").splitlines()[1].split(",")[1]
    answers = race([lambda s: s.post(f"{appraisal}/responses", json={"token": code, **rating_body(1)}, timeout=30)
                    for _ in range(RACERS)])
    assert sorted(a.status_code for a in answers) == [201] + [409] * (RACERS - 1), [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"invitation_used"}
    # One submission stored, under the stream the code's keyed hash names.
    stored = stack.store("appraisal").read_stream(spent_stream_id(stack.settings["appraisal"].hash_key, code))
    assert [e.type for e in stored] == ["QuestionnaireSubmitted"]
