"""Processes killed with SIGKILL at arbitrary moments, on both backends.

- A service's gunicorn (master and workers, the whole process group) killed under a stream of
  concurrent POSTs: every request either fully happened (stored once, and published) or not at
  all. A request whose answer was lost may have happened: then it happened whole.
- The reporting consumer killed while it consumes, and `rebuild` killed half-way: each resumes,
  and the report figures come out exactly what was written.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict

import requests

from services.reporting.runner import rebuild
from services.visits.app import create_app as visits_app
from shared.application import new_id
from shared.envelope import new_event_id, to_bytes
from tests.reliability.support import ADMIN, CLERK, ROOT, Stack, record, visit_body, wait_until

CLIENTS = 8


def test_a_service_killed_mid_request_keeps_each_request_whole(backend, procs):
    stack = Stack(backend, procs)
    url = stack.api("visits", workers=2)
    stack.relay("visits")
    cadre = stack.organ_and_cadre()

    acknowledged, cut, refused = [], [], []
    stop = threading.Event()

    def client(k: int) -> None:
        session, n = requests.Session(), 0
        while not stop.is_set():
            n += 1
            try:
                answer = session.post(url + "/visits", json=visit_body(cadre, 1000 * k + n), headers=CLERK, timeout=20)
            except requests.RequestException as exc:
                # Refused: sent after the server died. Otherwise in flight when it died: the answer is lost.
                cut.append("refused" if "refused" in str(exc).lower() else "in flight")
                return  # this client is done
            if answer.status_code == 201:
                acknowledged.append(answer.json()["id"])
            else:
                refused.append((answer.status_code, answer.text[:300]))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: len(acknowledged) >= 40, 60, "a stream of accepted visits")
        procs.kill("visits")  # SIGKILL to the master's process group: master and workers at once
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert "in flight" in cut, f"no request was in flight when the service was killed: {cut}"
    assert not refused, refused

    url = stack.api("visits", workers=2)  # a fresh start on the same store
    stored = stack.settled("visits")
    visits = defaultdict(list)
    for event in stored:
        if event.stream.startswith("visit-"):
            visits[event.stream].append(event)
    # Every acknowledged visit is stored exactly once; every stored visit (acknowledged or not) is
    # whole: its one event, at version 1.
    assert Counter(acknowledged) == Counter(set(acknowledged))
    assert set(acknowledged) <= set(visits)
    assert {s: [(e.type, e.version) for e in events] for s, events in visits.items()} == {
        s: [("VisitLogged", 1)] for s in visits}
    # …and published (at least once; the relay was not killed, so here exactly once).
    published = Counter(e.id for e in stack.published("visits"))
    assert published == Counter({e.id: 1 for e in stored})
    # Views of visits whose request was cut after the append are mended by the relay's catch-up.
    listed = wait_until(lambda: (v := stack.http.get(url + "/visits", params={"page_size": 500}, headers=CLERK,
                                                      timeout=30).json())["total"] == len(visits) and v,
                        60, "every stored visit to be listed")
    assert {v["id"] for v in listed["items"]} == set(visits)
    record(f"kill-service-{backend.kind}", {
        "clients": CLIENTS, "acknowledged": len(acknowledged), "requests_in_flight_at_the_kill": cut.count("in flight"),
        "visits_stored": len(visits), "stored_but_answer_lost": len(visits) - len(set(acknowledged)),
        "acknowledged_missing": 0, "duplicates": 0, "events_stored": len(stored), "events_published": len(published)})


def clone_visits(stack: Stack, count: int) -> dict:
    """`count` visits on the bus, published as the relay publishes them: one real visit logged
    through the service (in process), and copies of its event as further visits. Returns the
    figures the reports must show."""
    app = visits_app(stack.settings["visits"])
    client = app.test_client()
    organ = client.post("/organs", json={"name": "市发改委", "category": "government", "region": stack.region},
                        headers=ADMIN).json
    cadre = client.post("/cadres", json={"organ_id": organ["id"], "name": "干部", "rank": "section"},
                        headers=ADMIN).json
    first = client.post("/visits", json=visit_body(cadre["id"], 0), headers=CLERK)
    assert first.status_code == 201, first.json
    context = app.extensions["shuangwan"]
    context.bus.ensure_topics([context.topic])
    context.relay().drain()
    (template,) = context.store.read_stream(first.json["id"])
    clones = [template._replace(id=new_event_id(), stream=new_id("visit"), position=None,
                      data={**template.data, "people_reached": n % 7, "place_name": f"第{n}村"})
              for n in range(1, count)]
    for start in range(0, len(clones), 500):
        context.bus.publish(context.topic, [(e.stream, to_bytes(e)) for e in clones[start:start + 500]])
    return {"visits": count, "people_reached": sum(n % 7 for n in range(count))}


# Events to consume. The embedded consumer takes them in batches of up to 1000, so it is killed
# between batches or during one; it handles some 10,000 events a second, so there must be enough
# for it to be caught half-way twice. A rebuild writes once per 8 MB of messages (some 11,000 of
# these visits), so it is killed after its first write, with two to come. FerretDB (the
# MongoDB-protocol server of the tests) writes a batch's rows one by one, slowly, and more slowly
# as a collection grows: fewer events there, and the consumer is killed as soon as the first rows
# appear: half-way through writing a batch whose bus checkpoint is not committed.
COUNTS = {"embedded": 30000, "distributed": 300}


def test_the_reporting_consumer_killed_while_consuming_and_rebuilding_counts_exactly(backend, procs):
    count = COUNTS[backend.kind]
    stack = Stack(backend, procs)
    expected = clone_visits(stack, count)
    context = stack.reporting.application.extensions["shuangwan"]
    rows = lambda generation: context.generations.view(generation).count("visits")  # noqa: E731

    def kill_when(name: str, generation: int, at_least: int) -> int:
        process = procs.children[name]
        wait_until(lambda: rows(generation) >= at_least or process.poll() is not None, 120,
                   f"{name} to write {at_least} rows", interval=0.05)
        assert process.poll() is None, f"{name} finished before it could be killed:\n{procs.tail(name)}"
        procs.kill(name)
        done = rows(generation)
        assert done < count, f"{name} had written everything when it was killed"
        return done

    # Live consumption, killed twice at growing points, restarted each time.
    stack.consume("consume-1")
    first = kill_when("consume-1", 1, 1)
    stack.consume("consume-2")
    second = kill_when("consume-2", 1, first + 1)
    kills = {"live consumer, 1st kill at rows": first, "live consumer, 2nd kill at rows": second}
    stack.consume("consume-3")
    figures = wait_until(lambda: rows(1) == count and stack.visit_totals(), 180,
                         "the restarted consumer to catch up", interval=1)
    assert {k: figures[k] for k in expected} == expected
    assert {r["_version"] for r in context.generations.view(1).find("visits")} == {1}

    # A rebuild killed half-way: queries keep answering from generation 1, exactly.
    stack.procs.module("rebuild-1", stack.settings["reporting"], "rebuild")
    kills["rebuild killed at rows"] = kill_when("rebuild-1", 2, 1)
    meta = context.generations.read()
    assert (meta["active"], meta["building"]) == (1, 2)
    assert {k: stack.visit_totals()[k] for k in expected} == expected
    # Run again, it resumes generation 2 and switches to it.
    env = {**stack.procs_env("reporting")}
    done = subprocess.run([sys.executable, "-m", "services.reporting", "rebuild"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "generation 2 is now active" in done.stdout
    assert context.generations.read()["active"] == 2
    assert {k: stack.visit_totals()[k] for k in expected} == expected
    assert len(context.generations.view(2).find("visits")) == count
    assert stack.report("/reports/dead-letters", headers=ADMIN)["total"] == 0
    assert procs.children["consume-3"].poll() is None
    record(f"kill-consumer-{backend.kind}", {"events": count, **kills, "visits_counted": count,
                                             "people_reached_exact": True})


def test_a_rebuild_whose_worker_process_is_killed_fails_and_the_next_one_resumes(embedded, procs):
    """On the embedded bus a rebuild shares the streams among processes, a lane each. One of them
    killed: the rebuild fails, naming it; queries keep answering from the old generation; the next
    rebuild resumes every lane and the figures come out exact."""
    count = COUNTS["embedded"]
    stack = Stack(embedded, procs)
    expected = clone_visits(stack, count)
    context = stack.reporting.application.extensions["shuangwan"]
    stack.consume("consume")
    wait_until(lambda: context.generations.view(1).count("visits") == count, 180, "the live consumer to catch up", interval=1)

    outcome = {}

    def run() -> None:
        try:
            outcome["generation"] = rebuild(context, poll_timeout=0.2, processes=2)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()

    def a_worker_writing():
        found = [p for p in multiprocessing.active_children() if p.name.startswith("rebuild lane")]
        return len(found) == 2 and context.generations.view(2).count("visits") > 0 and found[0]

    worker = wait_until(a_worker_writing, 60, "the rebuild's workers to write rows", interval=0.05)
    os.kill(worker.pid, signal.SIGKILL)
    thread.join(120)
    assert f"{worker.name} exited with code -9" in str(outcome.get("error")), outcome
    assert context.generations.view(2).count("visits") < count
    meta = context.generations.read()
    assert (meta["active"], meta["building"]) == (1, 2)
    assert {k: stack.visit_totals()[k] for k in expected} == expected

    assert rebuild(context, poll_timeout=0.2, processes=2) == 2
    assert {k: stack.visit_totals()[k] for k in expected} == expected
    assert context.generations.view(2).count("visits") == count
    assert not multiprocessing.active_children()
