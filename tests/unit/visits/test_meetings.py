"""Report meetings on advanced grassroots examples (先进典型报告会): recorded within the office's
jurisdiction with at least one exemplar and one attendee, and cancelled once, not before they were held."""
from datetime import date, timedelta

import pytest

from shared.aggregate import DomainError, InvalidCommand
from shared.clock import today
from shared.web.auth import AuthError, Caller
from services.visits import handlers
from services.visits.domain import ExemplarMeeting

EXEMPLARS = [{"name": "钟春香", "unit": "章贡区水南村", "deeds": "带领村民发展脐橙产业"}, {"name": "刘建", "unit": "赣州某电子厂"}]


def meeting(repo, who, **more) -> ExemplarMeeting:
    facts = {"region": "360702", "held_on": date(2024, 6, 18), "title": "践行科学发展观基层先进典型报告会",
             "exemplars": EXEMPLARS, "attendance": 320, "place": "市委党校礼堂", **more}
    return handlers.hold_meeting(repo, who, **facts)


def test_a_meeting_is_recorded_with_its_exemplars(repo, city):
    held = meeting(repo, city)
    assert held.pending == [] and held.version == 1
    [event] = repo.store.read_stream(held.id)
    assert (event.type, event.region, event.tier) == ("ExemplarMeetingHeld", "360702", "county")
    assert event.data["exemplars"] == [{**EXEMPLARS[0]}, {**EXEMPLARS[1], "deeds": None}]
    assert (event.data["attendance"], event.data["held_on"], event.data["host"]) == (320, "2024-06-18", None)
    assert repo.view(held.id)["status"] == "held"


@pytest.mark.parametrize("change, field", [
    ({"exemplars": []}, "exemplars"),
    ({"attendance": 0}, "attendance"),
    ({"held_on": today() + timedelta(days=1)}, "held_on"),
    ({"region": "999999"}, "region"),
])
def test_a_meeting_that_breaks_a_rule_is_refused_and_nothing_stored(repo, city, change, field):
    with pytest.raises(InvalidCommand) as err:
        meeting(repo, city, **change)
    assert err.value.field == field
    assert repo.store.read_after(0) == []


def test_an_office_records_only_meetings_in_its_jurisdiction(repo):
    with pytest.raises(AuthError) as err:
        meeting(repo, Caller("county-clerk", "360703", "clerk"))  # 360702 is another county's
    assert err.value.status == 403
    assert repo.store.read_after(0) == []


def test_a_meeting_recorded_in_error_is_cancelled_once(repo, city):
    held = meeting(repo, city)
    with pytest.raises(InvalidCommand) as err:
        held.cancel(reason="录入错误", on=date(2024, 6, 17))
    assert err.value.field == "on"
    held.cancel(reason="录入错误", on=date(2024, 6, 20))
    assert held.pending[-1] == ("ExemplarMeetingCancelled", {"region": "360702", "held_on": "2024-06-18",
                                                             "reason": "录入错误", "cancelled_on": "2024-06-20"})
    assert (held.view()["status"], held.view()["cancellation"]) == ("cancelled", {"reason": "录入错误",
                                                                                  "cancelled_on": "2024-06-20"})
    with pytest.raises(DomainError):
        held.cancel(reason="again", on=date(2024, 6, 21))
