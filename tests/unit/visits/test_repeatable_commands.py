"""A command sent again (shared/application.py's `RepeatableCommand`) makes the same ids, and finds
what its first try stored instead of storing it twice; outside one, nothing changes."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from services.visits import handlers
from services.visits.domain import Visit
from shared.application import begin_repeatable, end_repeatable, new_id, repeatable
from shared.eventstore import ConcurrencyError, StoreUnavailable
from tests.faults import switch_off
from tests.unit.visits.conftest import all_events


@contextmanager
def repeated(seed: str):
    """Runs the block as the repeatable command `seed` (and gives it)."""
    token = begin_repeatable(seed)
    try:
        yield repeatable()
    finally:
        end_repeatable(token)


VISIT = dict(region="360702", visited_on=date(2026, 5, 20), place_type="village", place_name="水南村",
             activities=["ask_needs"])
PROBLEMS = [{"category": "livelihood", "description": "路灯坏了"},
            {"category": "infrastructure", "description": "桥面开裂"}]


def log_visit(repo, who, cadre, **changes):
    return handlers.log_visit(repo, who, cadre_ids=[cadre.id], **{**VISIT, "problems": PROBLEMS, **changes})


@pytest.fixture
def cadre(repo, city, county_organ):
    return handlers.register_cadre(repo, city, organ_id=county_organ.id, name="李四", rank="section")


def test_ids_are_random_outside_a_repeatable_command_and_the_same_each_time_within_one():
    assert new_id("visit") != new_id("visit")
    with repeated("seed-1") as first:
        ids = [new_id("problem"), new_id("visit"), new_id("problem")]
        assert first.ids == set(ids) and len(set(ids)) == 3 and ids[1].startswith("visit-")
    with repeated("seed-1"):
        assert [new_id("problem"), new_id("visit"), new_id("problem")] == ids
    with repeated("seed-2"):
        assert new_id("problem") != ids[0]
    assert repeatable() is None


def test_a_visit_whose_first_try_stored_only_its_problems_is_completed_without_registering_them_again(
        repo, county, cadre, monkeypatch):
    before = len(all_events(repo))
    with monkeypatch.context() as patch, repeated("visit-with-problems"), pytest.raises(StoreUnavailable):
        switch_off(patch, repo.store, "append", lambda stream, *_: stream.startswith("visit-"))
        log_visit(repo, county, cadre)
    assert [e.type for e in all_events(repo)[before:]] == ["ProblemRaised", "ProblemRaised"]

    with repeated("visit-with-problems") as command:
        visit = log_visit(repo, county, cadre)
    assert command.replayed
    stored = all_events(repo)[before:]
    assert [e.type for e in stored] == ["ProblemRaised", "ProblemRaised", "VisitLogged"]
    assert visit.facts["problem_ids"] == [e.stream for e in stored[:2]]

    with repeated("visit-with-problems") as command:  # all of it again: nothing new
        again = log_visit(repo, county, cadre)
    assert command.replayed and again.id == visit.id and len(all_events(repo)) == before + 3


def test_a_repeated_command_whose_events_came_out_different_is_a_conflict(repo, county, cadre):
    with repeated("seed"):
        log_visit(repo, county, cadre)
    count = len(all_events(repo))
    with repeated("seed"), pytest.raises(ConcurrencyError):  # same ids, other facts (what a clock would do)
        log_visit(repo, county, cadre, place_name="水北村", problems=[])
    assert len(all_events(repo)) == count


def test_a_stream_the_command_did_not_make_is_not_taken_for_its_own(repo, cadre):
    """An id made from anything else (a questionnaire's is its invitation code's) stays guarded."""
    repo.save(Visit.log("visit-fixed", cadres=[cadre], **VISIT))
    with repeated("seed"):
        with pytest.raises(ConcurrencyError):
            repo.save(Visit.log("visit-fixed", cadres=[cadre], **VISIT))


def test_an_organ_registered_by_the_same_request_is_its_own_not_a_duplicate(repo, city):
    with repeated("organ"):
        organ = handlers.register_organ(repo, city, name="市民政局", category="government", region="360700")
    with repeated("organ") as command:
        again = handlers.register_organ(repo, city, name="市民政局", category="government", region="360700")
    assert command.replayed and again.id == organ.id
    with repeated("another request"), pytest.raises(Exception, match="already registered"):
        handlers.register_organ(repo, city, name="市民政局", category="government", region="360700")
