"""Research reports: completion is tracked against the leading cadres who owe one."""
from datetime import date

import pytest

from shared.aggregate import InvalidCommand
from services.visits import handlers
from tests.unit.visits.conftest import all_events


def test_completion_lists_leading_cadres_with_and_without_a_report(repo, city, county, organ, county_organ):
    leader = handlers.register_cadre(repo, city, organ_id=organ.id, name="周一", rank="deputy_county")
    other = handlers.register_cadre(repo, city, organ_id=county_organ.id, name="吴二", rank="section")
    handlers.register_cadre(repo, city, organ_id=organ.id, name="郑三", rank="section")  # not leading in a city organ
    report = handlers.submit_report(repo, city, cadre_id=leader.id, title="关于水南村产业发展的调研",
                                    summary="……", on=date(2024, 6, 1))
    assert all_events(repo)[-1].data["leading"] is True
    rows = {r["name"]: r for r in handlers.report_completion(repo, city)}
    assert {n: (r["submitted"], r["report_ids"]) for n, r in rows.items()} == \
           {"周一": (True, [report.id]), "吴二": (False, [])}
    assert [r["name"] for r in handlers.report_completion(repo, county)] == ["吴二"]
    assert [r["name"] for r in handlers.report_completion(repo, city, organ_id=organ.id)] == ["周一"]
    assert other.leading


def test_a_report_must_come_from_a_registered_cadre(repo, city):
    with pytest.raises(InvalidCommand) as err:
        handlers.submit_report(repo, city, cadre_id="cadre-ghost", title="t", summary="s")
    assert err.value.field == "cadre_id"
