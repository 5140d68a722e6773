"""Good practices: submitted by an organ, then published (内刊/内网) or declined, once."""
from datetime import date

import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.visits.domain import Organ, Practice


@pytest.fixture
def practice():
    organ = Organ.register("organ-1", name="市委组织部", category="party_committee", region="360700")
    return Practice.submit("practice-1", organ=organ, title="夜访农户", summary="白天干活晚上走访",
                           submitted_on=date(2024, 5, 1))


def test_publishing_records_the_channels_once(practice):
    practice.publish(channels=["journal", "intranet", "journal"], issue="2024年第5期", on=date(2024, 5, 10))
    assert practice.pending[-1] == ("PracticePublished", {"organ_id": "organ-1", "region": "360700",
                                                          "channels": ["journal", "intranet"], "issue": "2024年第5期",
                                                          "published_on": "2024-05-10"})
    assert practice.view()["status"] == "published"
    with pytest.raises(DomainError):
        practice.decline(reason="重复", on=date(2024, 5, 11))


def test_declining_needs_a_submitted_practice_and_a_later_date(practice):
    with pytest.raises(InvalidCommand) as err:
        practice.decline(reason="不够典型", on=date(2024, 4, 30))
    assert err.value.field == "on"
    practice.decline(reason="不够典型", on=date(2024, 5, 2))
    assert (practice.status, practice.view()["decline_reason"]) == ("declined", "不够典型")
    with pytest.raises(DomainError) as err:
        practice.publish(channels=["journal"], on=date(2024, 5, 3))
    assert err.value.field == "status"


def test_an_unknown_channel_is_refused(practice):
    with pytest.raises(InvalidCommand) as err:
        practice.publish(channels=["newspaper"], on=date(2024, 5, 3))
    assert err.value.field == "channels"
