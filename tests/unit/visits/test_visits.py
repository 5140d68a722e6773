"""Visits: who went, where, which activities, what they delivered, and the problems they raised."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.aggregate import DomainError, InvalidCommand
from shared.clock import today
from shared.ledger import Problem
from shared.web.auth import AuthError
from services.visits import handlers
from services.visits.domain import Visit
from services.visits.domain.visit import Assistance
from tests.unit.visits.conftest import all_events

PLACE = dict(region="360702", place_type="village", place_name="水南村")


@pytest.fixture
def cadres(repo, city, organ, county_organ):
    return [handlers.register_cadre(repo, city, organ_id=organ.id, name="张三", rank="county"),
            handlers.register_cadre(repo, city, organ_id=county_organ.id, name="李四", rank="clerk")]


def log(repo, who, cadres, **overrides):
    args = dict(cadre_ids=[c.id for c in cadres], visited_on=date(2024, 5, 20), activities=["ask_needs"], **PLACE)
    return handlers.log_visit(repo, who, **{**args, **overrides})


def test_a_visit_records_cadres_organs_leading_cadres_and_assistance_totals(repo, city, cadres):
    assistance = Assistance(funds=[{"purpose": "助学", "amount_yuan": Decimal("1000.50")},
                                   {"purpose": "慰问", "amount_yuan": Decimal("200")}],
                            items=[{"name": "大米", "count": 20}, {"name": "食用油", "count": 10}],
                            services=["农技指导"], policy_sessions=[{"topic": "创业扶持", "attendance": 35}])
    visit = log(repo, city, cadres, activities=["ask_needs", "deliver_service", "deliver_policy", "ask_needs"],
                people_reached=40, households_reached=12, assistance=assistance)
    data = all_events(repo)[-1].data
    assert data["cadre_ids"] == [c.id for c in cadres]
    assert data["leading_cadre_ids"] == [cadres[0].id]
    assert data["organ_ids"] == [cadres[0].organ_id, cadres[1].organ_id]
    assert data["activities"] == ["ask_needs", "deliver_service", "deliver_policy"]
    assert (data["funds_total_yuan"], data["items_total"], data["policy_attendance_total"]) == ("1200.50", 30, 35)
    assert data["funds"][0] == {"purpose": "助学", "amount_yuan": "1000.50"}
    assert repo.view(visit.id)["status"] == "logged"


def test_assistance_needs_its_delivery_activity(cadres):
    with pytest.raises(InvalidCommand) as err:
        Visit.log("visit-1", cadres=cadres, visited_on=date(2024, 5, 20), activities=["ask_needs"],
                  assistance=Assistance(services=["送技术"]), **PLACE)
    assert err.value.field == "activities"


@pytest.mark.parametrize("change, field", [
    (dict(activities=[]), "activities"),
    (dict(activities=["sing"]), "activities"),
    (dict(place_type="moon"), "place_type"),
])
def test_malformed_visits_are_refused_naming_the_field(cadres, change, field):
    args = dict(cadres=cadres, visited_on=date(2024, 5, 20), activities=["ask_needs"], **PLACE)
    with pytest.raises(InvalidCommand) as err:
        Visit.log("visit-1", **{**args, **change})
    assert err.value.field == field


def test_a_cadre_listed_twice_or_none_is_refused(cadres):
    for listed in ([], [cadres[0], cadres[0]]):
        with pytest.raises(InvalidCommand) as err:
            Visit.log("visit-1", cadres=listed, visited_on=date(2024, 5, 20), activities=["ask_needs"], **PLACE)
        assert err.value.field == "cadre_ids"


def test_problems_raised_go_onto_the_ledger_linked_both_ways(repo, city, cadres):
    visit = log(repo, city, cadres, problems=[{"category": "infrastructure", "description": "村道破损"},
                                              {"category": "livelihood", "description": "饮水不便"}])
    problem_ids = repo.view(visit.id)["problem_ids"]
    assert len(problem_ids) == 2
    for pid in problem_ids:
        problem = repo.get(Problem, pid).view()
        assert (problem["source"], problem["source_ref"], problem["region"], problem["raised_on"]) == \
               ("visit", visit.id, "360702", "2024-05-20")
    assert [e.type for e in all_events(repo)][-3:] == ["ProblemRaised", "ProblemRaised", "VisitLogged"]


def test_a_rejected_visit_leaves_no_problem_behind(repo, city, cadres):
    before = len(all_events(repo))
    with pytest.raises(InvalidCommand):
        log(repo, city, cadres, activities=["nope"], problems=[{"category": "other", "description": "x"}])
    with pytest.raises(InvalidCommand) as err:
        log(repo, city, cadres, visited_on=today() + timedelta(days=1))
    assert err.value.field == "visited_on"
    assert len(all_events(repo)) == before


def test_cadres_must_exist_and_lie_within_the_callers_jurisdiction(repo, city, county, cadres):
    with pytest.raises(InvalidCommand) as err:
        log(repo, city, cadres[:1], cadre_ids=["cadre-missing"])
    assert err.value.field == "cadre_ids"
    with pytest.raises(AuthError):  # the county clerk cannot log a city organ's cadre
        log(repo, county, cadres)
    assert log(repo, county, cadres[1:]).region == "360702"


def test_a_visit_is_cancelled_once_and_not_before_it_happened(repo, city, cadres):
    visit = log(repo, city, cadres)
    with pytest.raises(InvalidCommand):
        visit.cancel(reason="录入错误", on=date(2024, 5, 19))
    visit.cancel(reason="录入错误", on=date(2024, 5, 21))
    with pytest.raises(DomainError):
        visit.cancel(reason="again", on=date(2024, 5, 22))
    repo.save(visit)
    event = all_events(repo)[-1]
    assert (event.type, event.data["visited_on"], event.data["cadre_ids"]) == \
           ("VisitCancelled", "2024-05-20", [c.id for c in cadres])
    assert Visit.rebuild(visit.id, repo.store.read_stream(visit.id)).view()["status"] == "cancelled"
