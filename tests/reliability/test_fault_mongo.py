"""The MongoDB-protocol server stopped under a running service: every write gets 503 in the common
error format and leaves nothing behind; when the server returns, the service (and its relay)
carry on by themselves.

The test talks to the session's FerretDB through `ferretdb_server.url` (never `$MONGODB_URL`): it
must be able to stop the server the service uses.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.backends import Backend
from tests.reliability.support import ADMIN, CLERK, Stack, record, visit_body

UNAVAILABLE = {"status": 503, "code": "unavailable",
               "message": "Storage is unavailable right now; nothing was saved. Try again shortly."}
# pymongo gives up selecting a server after 5 s (shared/mongo.py); a request may select twice.
WRITE_TIMEOUT = 20
# Long enough for every background loop (the relay, the view catch-up) to fail at least once.
OUTAGE = 12


@pytest.fixture
def stack(request, tmp_path, unique_name, procs, kafka_bootstrap):
    ferretdb = request.getfixturevalue("ferretdb_server")
    stack = Stack(Backend("distributed", unique_name, tmp_path, ferretdb.url, kafka_bootstrap), procs)
    stack.ferretdb = ferretdb
    stack.api("visits", workers=1)
    stack.relay("visits")
    return stack


def test_writes_get_503_while_the_store_is_down_and_the_service_recovers(stack):
    ferretdb, url = stack.ferretdb, stack.urls["visits"]
    cadre = stack.organ_and_cadre()
    before = [stack.post("visits", "/visits", visit_body(cadre, n))["id"] for n in range(3)]
    stored_before = stack.settled("visits")

    attempts = {
        "log a visit": ("POST", "/visits", visit_body(cadre, 99), CLERK),
        "register an organ": ("POST", "/organs", {"name": "停机时的机关", "category": "government", "region": "360700"}, ADMIN),
        "register a cadre": ("POST", "/cadres", {"organ_id": "organ-0000000000000000", "name": "甲", "rank": "clerk"}, ADMIN),
        "cancel a visit": ("POST", f"/visits/{before[0]}/cancellation", {"reason": "停机", "version": 1}, CLERK),
    }
    try:
        ferretdb.stop(keep_data=True)
        started = time.monotonic()
        with ThreadPoolExecutor(len(attempts) + 1) as pool:
            answers = {what: pool.submit(stack.http.request, method, url + path, json=body, headers=headers,
                                         timeout=WRITE_TIMEOUT)
                       for what, (method, path, body, headers) in attempts.items()}
            ready = pool.submit(stack.http.get, url + "/readyz", timeout=WRITE_TIMEOUT)
            answers = {what: future.result() for what, future in answers.items()}
            ready = ready.result()
        elapsed = time.monotonic() - started
        for what, answer in answers.items():
            assert answer.status_code == 503, (what, answer.status_code, answer.text)
            assert answer.json() == {"error": UNAVAILABLE}, what
            assert answer.headers["Retry-After"] == "5"
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "unavailable"
        assert elapsed < WRITE_TIMEOUT
        time.sleep(max(0.0, OUTAGE - elapsed))
    finally:
        if not ferretdb.running:
            ferretdb.start()

    # Back by itself: the very next write goes through.
    restarted = time.monotonic()
    after = stack.post("visits", "/visits", visit_body(cadre, 100), timeout=WRITE_TIMEOUT)["id"]
    first_write_after = time.monotonic() - restarted
    assert stack.http.get(url + "/readyz", timeout=WRITE_TIMEOUT).status_code == 200

    # Nothing of the refused writes was stored; the relay, which lived through the outage,
    # publishes what came after it.
    stored = stack.settled("visits", timeout=60)
    new = [e for e in stored if e.id not in {s.id for s in stored_before}]
    assert [(e.type, e.stream) for e in new] == [("VisitLogged", after)]
    assert {e.id for e in stack.published("visits")} == {e.id for e in stored}
    listed = stack.http.get(url + "/visits", headers=CLERK, timeout=30).json()
    assert sorted(v["id"] for v in listed["items"]) == sorted(before + [after])
    assert all(v["status"] != "cancelled" for v in listed["items"])
    assert all(p.poll() is None for p in stack.procs.children.values()), "a process died in the outage"
    record("fault-mongo", {"writes_while_down": len(attempts), "answered_503": len(attempts),
                           "slowest_503_s": round(elapsed, 1), "store_down_s": OUTAGE,
                           "first_write_after_restart_s": round(first_write_after, 2), "partial_records": 0})
