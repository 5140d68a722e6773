"""Rebuilds and jurisdiction end to end: a rebuilt generation equals the live one, the live consumer
follows the switch, the command line rebuilds too; a county keeps nothing of its neighbour."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.reporting.runner import rebuild
from tests.e2e.reporting_support import CITY, NANKANG, ZHANGGONG, System, by_key, post
from tests.e2e.test_reporting_appraisal import run_campaign
from tests.e2e.test_reporting_visits import CITY_CLERK, OCTOBER, write_half_one, write_problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def system(backend):
    system = System(backend)
    yield system
    system.close()


def comparable(rows: dict) -> dict:
    """All rows; dead letters without the time they were written (each generation writes its own)."""
    return {c: [{k: v for k, v in r.items() if not (c == "dead_letters" and k == "at")} for r in docs]
            for c, docs in rows.items()}


def cli_rebuild(settings) -> str:
    env = {**os.environ, "SHUANGWAN_TOKEN_SECRET": settings.token_secret,
           "SHUANGWAN_REPORTING_OFFICE_REGION": settings.office_region, "SHUANGWAN_REPORTING_BUS_URL": settings.bus_url,
           "SHUANGWAN_REPORTING_PROJECTION_URL": settings.projection_url,
           "SHUANGWAN_REPORTING_TOPIC_PREFIX": settings.topic_prefix}
    try:
        done = subprocess.run([sys.executable, "-m", "services.reporting", "rebuild"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"rebuild did not finish: {(exc.stderr or b'')[-3000:]!r}") from None
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_rebuild_gives_identical_projections(system):
    write_half_one(system)
    write_problems(system)
    cid = run_campaign(system)
    visits_context = system.visits_app.extensions["shuangwan"]
    visits_context.bus.ensure_topics([visits_context.topic])
    visits_context.bus.publish(visits_context.topic, [("junk", b"not an event")])
    city = system.office(CITY)
    system.sync()
    before = comparable(city.rows())
    reports = [f"/reports/overview?{OCTOBER}", f"/reports/problems?{OCTOBER}&by=source",
               f"/reports/appraisal/{cid}/organs", f"/reports/cadres?{OCTOBER}&by=organ"]
    answers = [city.get(path) for path in reports]
    assert {"visits", "problems", "responses", "campaigns", "dead_letters"} <= set(before)
    letters = city.get("/reports/dead-letters", role="admin")["items"]
    assert len(letters) == 1 and letters[0]["reason"].startswith("MalformedEnvelope")

    assert rebuild(city.context, processes=2) == 2  # on the embedded bus, two processes, a lane each
    with city.context.bus.subscribe(city.context.topics, city.context.group(2)) as caught_up:
        assert caught_up.lag() == 0  # the lanes' checkpoints, joined, lie past every message
    assert comparable(city.rows()) == before
    assert [city.get(path) for path in reports] == answers
    generations = city.get("/reports/generations", role="admin")
    assert (generations["active"], generations["building"]) == (2, None)
    assert city.context.store.parts() == {"g2"}  # generation 1 was dropped

    # The live consumer follows the switch: what is written next lands in generation 2.
    post(system.visits, "/visits", {"cadre_ids": [next(iter(before["cadres"]))["_id"]], "region": ZHANGGONG,
                                    "visited_on": "2026-10-20", "place_type": "village", "place_name": "新村",
                                    "activities": ["ask_needs"]}, CITY_CLERK)
    system.sync()
    assert city.consumer.generation == 2
    assert city.get(f"/reports/visits?{OCTOBER}")["total"]["visits"] == answers[0]["total"]["visits"] + 1

    # The command line does the same, in a process of its own; this instance then answers from it.
    after_visit = comparable(city.rows())
    assert "generation 3 is now active" in cli_rebuild(city.context.settings)
    assert city.get("/reports/generations", role="admin")["active"] == 3
    assert comparable(city.rows()) == after_visit
    system.sync()
    assert city.consumer.generation == 3


def test_a_county_keeps_nothing_of_its_neighbour(system):
    write_half_one(system)
    write_problems(system)
    run_campaign(system)
    zhanggong, nankang = system.office(ZHANGGONG), system.office(NANKANG)
    system.sync()
    for office in (zhanggong, nankang):
        regions = {r["region"] for rows in office.rows().values() for r in rows if "region" in r}
        assert regions == {office.region}, office.region
    assert zhanggong.get(f"/reports/visits?{OCTOBER}")["total"]["visits"] == 2
    assert nankang.get(f"/reports/visits?{OCTOBER}")["total"]["visits"] == 1
    # Asked about the neighbour — even by the city, whose jurisdiction covers both — the county
    # instance refuses: it serves its own county only.
    refused = zhanggong.get(f"/reports/visits?region={NANKANG}", region=CITY, status=403)
    assert "serves office 360702" in refused["error"]["message"]
    zhanggong.get(f"/reports/visits?region={NANKANG}", region=NANKANG, status=403)
    assert by_key(zhanggong.get(f"/reports/overview?{OCTOBER}", region=CITY)).keys() == {ZHANGGONG}
