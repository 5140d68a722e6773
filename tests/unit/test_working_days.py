"""Working days (工作日) follow the State Council's holiday schedule, and the ledger's return window
(退回, within 7 working days of assignment) counts them."""
from datetime import date

import pytest

from shared.aggregate import DomainError
from shared.clock import is_working_day, working_days_between
from shared.ledger import Problem


def test_holidays_are_off_and_the_weekend_days_worked_in_their_place_are_on():
    assert not is_working_day(date(2026, 10, 1))   # National Day, a Thursday
    assert not is_working_day(date(2026, 10, 5))   # a Monday of the National Day holiday
    assert is_working_day(date(2026, 10, 10))      # a Saturday worked in its place (调休)
    assert not is_working_day(date(2026, 9, 25))   # Mid-Autumn Festival, a Friday
    assert is_working_day(date(2026, 11, 27)) and not is_working_day(date(2026, 11, 28))  # Friday, Saturday


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    assert is_working_day(date(2099, 1, 5)) and not is_working_day(date(2099, 1, 3))  # a Monday, a Saturday


def test_working_days_between_count_after_the_start_up_to_the_end():
    # Thu 8, Fri 9, Sat 10 (worked), Mon 12 October 2026: the holiday week and Sunday 11 are off.
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 27)) == 4  # an ordinary week
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 27)) == 0
    assert working_days_between(date(2026, 11, 28), date(2026, 11, 27)) == 0


def _assigned(on: date) -> Problem:
    problem = Problem.raise_("problem-1", number="360702-1", source="visit", category="infrastructure",
                             description="村道破损", region="360702", raised_on=on)
    problem.refer(unit_id="organ-1", unit_name="区交通局", responsible_person="王五", deadline=date(2026, 12, 31),
                  referred_on=on)
    return problem


def test_a_return_across_the_national_day_holiday_counts_only_working_days():
    # Eight weekdays lie between (1–9 and 12 October), but five of them are the holiday.
    problem = _assigned(date(2026, 9, 30))
    problem.return_to_office(reason="不属本单位职责", returned_on=date(2026, 10, 12))
    assert problem.pending[-1][0] == "ProblemReturned"


def test_a_return_after_seven_working_days_is_refused():
    problem = _assigned(date(2026, 9, 30))
    with pytest.raises(DomainError) as refused:  # 8 to 20 October: 10 working days, Saturday 10 among them
        problem.return_to_office(reason="不属本单位职责", returned_on=date(2026, 10, 20))
    assert "10 have passed" in str(refused.value) and refused.value.field == "on"  # the API names the step's date `on`
