"""An upgrade whose projections write something new, against the real processes: the reporting
consumer started over projections an older release built warns and keeps them (the API says they
are stale); started with `--rebuild-if-stale`, as `make run` starts it, it rebuilds them first."""
from __future__ import annotations

import signal

import requests

from services.reporting.projections import VERSION
from shared.projections.sqlite import SQLiteProjectionStore
from tests.backends import Backend, token
from tests.processes import Processes
from tests.reliability.support import wait_until

CITY = "360700"


def generations(url: str) -> dict:
    answer = requests.get(url + "/reports/generations", headers=token(CITY, "admin"), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_projections_an_older_release_built_are_reported_stale_then_rebuilt(tmp_path):
    backend, processes = Backend("embedded", "versions", tmp_path), Processes(tmp_path)
    settings = backend.settings("reporting", office_region=CITY)
    # What a release from before projection versions left: generation 1, no versions recorded.
    store = SQLiteProjectionStore(settings.projection_url)
    store.put_newer("meta", [{"_id": "generations", "_version": 1, "active": 1, "building": None,
                              "groups": {"1": "versions-reporting-360700-g1-0a1b2c3d"}}])
    store.close()
    try:
        url = processes.api("reporting", settings)
        processes.module("consumer", settings, "consume")
        wait_until(lambda: "rebuild" in processes.tail("consumer"), 60, "the consumer's warning")
        assert f"built by version 1, and this code writes version {VERSION}" in processes.tail("consumer")
        found = generations(url)
        assert (found["active"], found["version"], found["current_version"], found["stale"]) == (1, 1, VERSION, True)

        processes.kill("consumer", signal.SIGTERM)
        processes.module("consumer-again", settings, "consume", "--rebuild-if-stale")
        wait_until(lambda: not generations(url)["stale"], 120, "the projections rebuilt")
        found = generations(url)
        assert (found["active"], found["version"], found["stale"]) == (2, VERSION, False), processes.tail("consumer-again")
    finally:
        processes.stop_all()
