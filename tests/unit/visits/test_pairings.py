"""Pairings: a span from start to planned end, required days on site that fit in it, days logged within it."""
from datetime import date

import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.visits import handlers
from services.visits.domain import Pairing

SPAN = dict(start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))


def household(**overrides) -> Pairing:
    args = dict(kind="cadre_household", organ_id="organ-1", cadre_id="cadre-1", partner_name="刘家", region="360702",
                required_days=30, **SPAN)
    return Pairing.start("pairing-1", **{**args, **overrides})


@pytest.mark.parametrize("overrides, field", [
    (dict(end_on=date(2023, 12, 31)), "end_on"),
    (dict(start_on=date(2024, 12, 1), required_days=32), "required_days"),
    (dict(cadre_id=None), "cadre_id"),
    (dict(kind="organ_village"), "cadre_id"),
    (dict(kind="organ_point", cadre_id=None), "point_id"),
    (dict(point_id="point-1"), "point_id"),
])
def test_a_pairings_parties_and_dates_must_make_sense(overrides, field):
    with pytest.raises(InvalidCommand) as err:
        household(**overrides)
    assert err.value.field == field


def test_days_on_site_accumulate_within_the_span():
    pairing = household()
    pairing.log_days(days=5, on=date(2024, 1, 5))
    with pytest.raises(InvalidCommand) as err:
        pairing.log_days(days=1, on=date(2024, 1, 5))   # 5 days have passed, all logged
    assert err.value.field == "days"
    with pytest.raises(InvalidCommand) as err:
        pairing.log_days(days=1, on=date(2025, 1, 1))   # after the planned end
    assert err.value.field == "on"
    pairing.log_days(days=25, on=date(2024, 3, 1))
    assert (pairing.days_total, pairing.days_met) == (30, True)
    assert pairing.pending[-1][1]["days_total"] == 30


def test_an_ended_pairing_reports_whether_its_days_were_met_and_takes_no_more():
    pairing = household()
    pairing.log_days(days=10, on=date(2024, 2, 1))
    with pytest.raises(InvalidCommand):
        pairing.end(on=date(2023, 12, 1))
    pairing.end(on=date(2024, 6, 30), outcome="已脱困")
    assert pairing.pending[-1] == ("PairingEnded", {"ended_on": "2024-06-30", "outcome": "已脱困", "region": "360702",
                                                    "days_total": 10, "required_days": 30, "days_met": False})
    for command in (lambda: pairing.log_days(days=1, on=date(2024, 7, 1)), lambda: pairing.end(on=date(2024, 7, 1))):
        with pytest.raises(DomainError) as err:
            command()
        assert err.value.field == "status"


def test_a_cadre_pairing_belongs_to_the_cadres_organ_and_a_point_pairing_to_the_points_region(repo, city, organ):
    cadre = handlers.register_cadre(repo, city, organ_id=organ.id, name="孙八", rank="clerk")
    pairing = handlers.start_pairing(repo, city, kind="cadre_enterprise", cadre_id=cadre.id, partner_name="某厂",
                                     region="360702", **SPAN)
    assert pairing.facts["organ_id"] == organ.id
    point = handlers.register_point(repo, city, name="建设点", region="360702", on=date(2024, 1, 1))
    with pytest.raises(InvalidCommand) as err:
        handlers.start_pairing(repo, city, kind="organ_point", organ_id=organ.id, point_id=point.id,
                               partner_name="村党支部", region="360703", **SPAN)
    assert err.value.field == "region"
    with pytest.raises(InvalidCommand) as err:
        handlers.start_pairing(repo, city, kind="organ_village", partner_name="村党支部", region="360702", **SPAN)
    assert err.value.field == "organ_id"
