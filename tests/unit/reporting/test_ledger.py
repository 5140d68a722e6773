"""The problem ledger: rows folded from ledger events, and the figures computed from them."""
from datetime import date

import pytest

from services.reporting.domain.ledger import days_overdue, overdue_as_of, problem_figures, state_as_of
from services.reporting.domain.periods import Period
from services.reporting.domain.stats import median, percentile, rate
from services.reporting.projections.ledger import Problems
from tests.unit.reporting.support import (done, extended, problem_events, progressed, referred, reopened, resolved,
                                          returned)


def fold(events) -> dict:
    rows = {}
    for e in events:
        row = Problems().evolve(rows.get(e.stream), e)
        row["_id"], row["_version"] = e.stream, e.version
        rows[e.stream] = row
    return rows


@pytest.fixture
def ledger() -> dict:
    return fold([
        *problem_events("p1", raised_on="2026-10-01", steps=[
            referred("2026-10-02", "2026-10-20"), progressed("2026-10-05"), done("2026-10-10"), reopened("2026-10-11"),
            done("2026-10-15"), resolved("2026-10-16")]),
        *problem_events("p2", raised_on="2026-10-03", steps=[referred("2026-10-04", "2026-10-10")]),
        *problem_events("p3", raised_on="2026-10-05", steps=[
            referred("2026-10-06", "2026-10-08", long_term=True), extended("2026-10-07", "2026-12-31")]),
        *problem_events("p4", raised_on="2026-10-20"),
        *problem_events("p5", raised_on="2026-09-20", family="appraisal", source="questionnaire",
                        source_ref="campaign-1/organ-a/work_quality", steps=[
                            referred("2026-09-21", "2026-09-30"), done("2026-09-25"), resolved("2026-10-02")]),
        *problem_events("p6", raised_on="2026-10-01", steps=[referred("2026-10-01", "2026-10-05"),
                                                              returned("2026-10-03")]),
        *problem_events("p7", raised_on="2026-10-10", steps=[
            referred("2026-10-11", "2026-10-30"), done("2026-10-29"), resolved("2026-10-31")]),
    ])


def test_rows_keep_current_facts_and_steps(ledger):
    p1 = ledger["p1"]
    assert (p1["status"], p1["closed_on"], p1["reopen_count"], p1["_version"]) == ("closed", "2026-10-16", 1, 7)
    assert [s[0] for s in p1["steps"]] == ["raised", "referred", "progressed", "reported_done", "reopened",
                                           "reported_done", "closed"]
    assert (ledger["p5"]["family"], ledger["p5"]["source"]) == ("appraisal", "questionnaire")
    p6 = ledger["p6"]
    assert (p6["status"], p6["unit_id"], p6["deadline"]) == ("registered", None, None)
    assert ledger["p3"]["promised_date"] == "2026-12-31"


def test_state_as_of_a_day(ledger):
    assert state_as_of(ledger["p4"], date(2026, 10, 19)) is None  # not raised yet
    assert state_as_of(ledger["p1"], date(2026, 10, 12))["status"] == "in_progress"  # reopened on the 11th
    assert state_as_of(ledger["p6"], date(2026, 10, 2)) == {"status": "assigned", "deadline": "2026-10-05",
                                                            "promised_date": None}


def test_overdue_against_a_given_today(ledger):
    # p2: deadline 10-10 → not overdue on the day itself, overdue the day after
    assert not overdue_as_of(ledger["p2"], date(2026, 10, 10))
    assert overdue_as_of(ledger["p2"], date(2026, 10, 11))
    assert days_overdue(ledger["p2"], date(2026, 11, 1)) == 22  # 11-01 − 10-10
    # p3: long-term, promised 12-31 on 10-07 → on time after its deadline of 10-08
    assert not overdue_as_of(ledger["p3"], date(2026, 11, 1))
    assert overdue_as_of(ledger["p3"], date(2027, 1, 1))
    # p6: returned before its deadline → registered again, never overdue
    assert not overdue_as_of(ledger["p6"], date(2026, 10, 6))
    # p1 was overdue? deadline 10-20, closed 10-16: no
    assert not overdue_as_of(ledger["p1"], date(2026, 10, 25))
    # p4 was never assigned
    assert not overdue_as_of(ledger["p4"], date(2027, 1, 1))


def test_figures_for_a_month(ledger):
    figures = problem_figures(list(ledger.values()), Period(date(2026, 10, 1), date(2026, 10, 31)), date(2026, 11, 1))
    assert figures == {
        "raised": 6,        # p1 p2 p3 p4 p6 p7 (p5 was raised in September)
        "assigned": 5,      # referrals in October: p1 p2 p3 p6 p7
        "closed": 3,        # p1 (10-16), p5 (10-02), p7 (10-31)
        "reopened": 1,      # p1
        "open": 4,          # at 10-31: p2 p3 p4 p6
        "overdue": 1,       # at 10-31: p2 (deadline 10-10)
        "resolution_rate": pytest.approx(1 / 3),   # of the 6 raised, p1 and p7 closed by 10-31
        # days to close: p5 09-20→10-02 = 12, p1 10-01→10-16 = 15, p7 10-10→10-31 = 21
        "median_days_to_close": 15,
        "p90_days_to_close": pytest.approx(19.8),  # position (3−1)·0.9 = 1.8: 15 + 0.8·(21 − 15)
    }


def test_figures_for_a_week_judge_states_at_its_end(ledger):
    figures = problem_figures(list(ledger.values()), Period.week("2026-W41"), date(2026, 11, 1))  # 10-05 … 10-11
    assert figures == {
        "raised": 2, "assigned": 2,   # p3 (10-05, referred 10-06), p7 (10-10, referred 10-11)
        "closed": 0, "reopened": 1,   # p1 reopened 10-11
        "open": 5,                    # at 10-11: p1 p2 p3 p6 p7 (p5 closed, p4 not yet raised)
        "overdue": 1,                 # p2
        "resolution_rate": 0, "median_days_to_close": None, "p90_days_to_close": None,
    }


def test_figures_as_of_today_without_a_period(ledger):
    figures = problem_figures(list(ledger.values()), Period(), date(2026, 11, 1))
    # 7 raised, closed p1 p5 p7 → 3/7; open p2 p3 p4 p6; overdue p2
    assert (figures["raised"], figures["closed"], figures["open"], figures["overdue"]) == (7, 3, 4, 1)
    assert figures["resolution_rate"] == pytest.approx(3 / 7)


def test_statistics():
    assert rate(1, 0) is None and rate(1, 4) == 0.25
    assert median([]) is None and percentile([], 90) is None
    assert median([5]) == 5 and percentile([5], 90) == 5
    assert median([1, 3, 2, 10]) == 2.5       # (2 + 3) ÷ 2
    # 10 values 1…10: position 9·0.9 = 8.1 → 9 + 0.1·(10 − 9) = 9.1 (as Excel's PERCENTILE.INC)
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
