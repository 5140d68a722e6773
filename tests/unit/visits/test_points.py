"""Construction points and 三个一: an instructor, ¥10,000 and a computer make a point compliant."""
from datetime import date
from decimal import Decimal

import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.visits import handlers
from services.visits.domain import ConstructionPoint
from tests.unit.visits.conftest import all_events


@pytest.fixture
def point():
    return ConstructionPoint.register("point-1", name="水南村建设点", region="360702", registered_on=date(2024, 3, 1))


def test_compliance_needs_all_three(point):
    on = date(2024, 4, 1)
    point.give_funds(amount_yuan=Decimal("6000"), on=on)
    point.assign_instructor(instructor_name="赵六", on=on)
    point.donate_computers(count=2, on=on)
    assert (point.compliant, point.missing()) == (False, ["funds"])
    point.give_funds(amount_yuan=Decimal("4000.00"), on=on)
    assert (point.compliant, point.missing()) == (True, [])
    last = point.pending[-1][1]
    assert (last["amount_yuan"], last["funds_total_yuan"], last["compliant"]) == ("4000.00", "10000.00", True)
    assert [data["compliant"] for _, data in point.pending[1:]] == [False, False, False, True]


def test_just_under_ten_thousand_is_not_enough(point):
    point.assign_instructor(instructor_name="赵六", on=date(2024, 4, 1))
    point.donate_computers(count=1, on=date(2024, 4, 1))
    point.give_funds(amount_yuan=Decimal("9999.99"), on=date(2024, 4, 1))
    assert point.compliant is False and point.view()["funds_total_yuan"] == "9999.99"


def test_contributions_are_refused_before_registration_or_when_empty(point):
    with pytest.raises(InvalidCommand) as err:
        point.give_funds(amount_yuan=Decimal("100"), on=date(2024, 2, 28))
    assert err.value.field == "on"
    with pytest.raises(InvalidCommand) as err:
        point.give_funds(amount_yuan=Decimal("0"), on=date(2024, 4, 1))
    assert err.value.field == "amount_yuan"
    with pytest.raises(InvalidCommand):
        point.donate_computers(count=0, on=date(2024, 4, 1))
    point.assign_instructor(instructor_name="赵六", on=date(2024, 4, 1))
    with pytest.raises(DomainError):
        point.assign_instructor(instructor_name="赵六", on=date(2024, 4, 2))


def test_a_cadre_sent_as_instructor_lends_name_and_organ_and_the_view_survives_a_rebuild(repo, city, organ):
    cadre = handlers.register_cadre(repo, city, organ_id=organ.id, name="钱七", rank="section")
    point = handlers.register_point(repo, city, name="沙石建设点", region="360702", on=date(2024, 3, 1))
    handlers.assign_instructor(repo, city, point.id, version=1, cadre_id=cadre.id, on=date(2024, 3, 2))
    saved = handlers.give_point_funds(repo, city, point.id, amount_yuan=Decimal("12000"), organ_id=organ.id)
    instructor = all_events(repo)[-2].data
    assert (instructor["instructor_name"], instructor["organ_id"]) == ("钱七", organ.id)
    rebuilt = ConstructionPoint.rebuild(point.id, repo.store.read_stream(point.id))
    stored_view = {k: v for k, v in repo.view(point.id).items() if not k.startswith("_") and k != "kind"}
    assert rebuilt.view() == saved.view() == stored_view
