"""Processes that open one new SQLite database at the same instant all get it (shared/sqlite.py):
a rebuild's lanes open their generation's new file together, a service and its relay their store."""
from __future__ import annotations

import multiprocessing
import time

from shared.projections.sqlite import SCHEMA
from shared.sqlite import Connections

PROCESSES, ROUNDS = 4, 25


def open_at(path: str, start: float) -> str:
    while time.time() < start:  # (spin: all of them at once, to the millisecond)
        pass
    try:
        Connections(path, SCHEMA).get().execute("SELECT count(*) FROM docs").fetchone()
        return "opened"
    except Exception as exc:  # what went wrong, reported to the test
        return repr(exc)


def test_processes_opening_a_new_database_at_once_all_open_it(tmp_path):
    # Before the fix, 4 processes opening 40 new files at once: 15 of 160 opens failed with
    # "database is locked".
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        pool.map(time.sleep, [0] * PROCESSES)  # the workers started
        for i in range(ROUNDS):
            start = time.time() + 0.05
            results = pool.starmap(open_at, [(str(tmp_path / f"new-{i}.db"), start)] * PROCESSES)
            assert results == ["opened"] * PROCESSES, f"round {i}: {results}"
