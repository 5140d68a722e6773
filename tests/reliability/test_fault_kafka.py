"""Kafka stopped while the services take writes: nothing refused, nothing lost.

The whole office runs as processes on the distributed backend (visits and appraisal under
gunicorn on the MongoDB protocol, both relays, the reporting consumer). The session's broker is
stopped (its data and port kept) while cadres log visits and clerks key in questionnaires: every
write is still accepted (201) and stored; once the broker is back, the relays deliver what waited
and the reporting consumer's figures come out exact.
"""
from __future__ import annotations

import os
import time

import pytest

from tests.backends import Backend
from tests.reliability.support import (CLERK, Stack, once_each, period, rating_body, record, visit_body,
                                       wait_until)

BEFORE, WHILE_DOWN, AFTER = 5, 20, 5
# The broker stays down longer than the Kafka clients' request timeout (30 s): the relays' and the
# consumer's calls then fail (not merely wait), and the processes must live through that.
OUTAGE = 35
RESPONSES_BEFORE, RESPONSES_WHILE_DOWN = 3, 10


def test_writes_are_kept_while_kafka_is_down_and_delivered_when_it_returns(request, tmp_path, unique_name,
                                                                          procs, mongodb_url):
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.fail("KAFKA_BOOTSTRAP_SERVERS is set: this test must stop and restart the broker the services "
                    "talk to, and cannot stop a broker it did not start. Run it without KAFKA_BOOTSTRAP_SERVERS "
                    "(the harness then starts its own broker).")
    kafka = request.getfixturevalue("kafka_server")
    stack = Stack(Backend("distributed", unique_name, tmp_path, mongodb_url, kafka.bootstrap_servers), procs)
    stack.start()
    cadre = stack.organ_and_cadre()
    cid, batch = stack.campaign_with_paper_batch()
    people = 0
    for n in range(BEFORE):
        stack.post("visits", "/visits", visit_body(cadre, n))
        people += n % 7
    for n in range(RESPONSES_BEFORE):
        stack.post("appraisal", f"/batches/{batch}/responses", rating_body(n))
    wait_until(lambda: stack.visit_totals()["visits"] == BEFORE and stack.responses_total(cid) == RESPONSES_BEFORE,
               120, "the reports to show what was written before the broker stopped")

    written = []
    try:
        stopped = time.monotonic()
        kafka.stop(keep_data=True)
        for n in range(BEFORE, BEFORE + WHILE_DOWN):
            written.append(stack.post("visits", "/visits", visit_body(cadre, n))["id"])  # 201: accepted
            people += n % 7
        for n in range(RESPONSES_WHILE_DOWN):
            stack.post("appraisal", f"/batches/{batch}/responses", rating_body(n))
        # Stored (the service reads them back) though nothing could be published.
        for visit_id in written:
            assert stack.http.get(f"{stack.urls['visits']}/visits/{visit_id}", headers=CLERK, timeout=30).status_code == 200
        assert stack.visit_totals()["visits"] == BEFORE
        time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopped)))
    finally:
        if not kafka.running:
            kafka.start()
    outage = time.monotonic() - stopped
    back = time.monotonic()

    for n in range(BEFORE + WHILE_DOWN, BEFORE + WHILE_DOWN + AFTER):
        stack.post("visits", "/visits", visit_body(cadre, n))
        people += n % 7
    visits_total = BEFORE + WHILE_DOWN + AFTER
    responses_total = RESPONSES_BEFORE + RESPONSES_WHILE_DOWN
    totals = wait_until(lambda: (t := stack.visit_totals())["visits"] == visits_total and t,
                        180, "the reports to count the visits written while the broker was down")
    delivered_after = time.monotonic() - back
    assert (totals["visits"], totals["people_reached"]) == (visits_total, people)
    wait_until(lambda: stack.responses_total(cid) == responses_total, 120, "the responses to be counted")

    # Every stored event reached the bus; nothing reached it that was not stored.
    for service in ("visits", "appraisal"):
        stored = stack.settled(service)
        assert set(once_each(stack.published(service))) == {e.id for e in stored}, service
    assert stack.report("/reports/visits", **period())["total"]["visits"] == visits_total
    assert all(p.poll() is None for p in procs.children.values()), "a process died in the outage"
    record("fault-kafka", {"broker_down_s": round(outage, 1), "broker_restart_s": round(kafka.startup_seconds, 1),
                           "writes_while_down": WHILE_DOWN + RESPONSES_WHILE_DOWN,
                           "accepted_while_down": WHILE_DOWN + RESPONSES_WHILE_DOWN,
                           "reports_exact_after_restart_s": round(delivered_after, 1),
                           "visits": visits_total, "responses": responses_total, "lost": 0})
