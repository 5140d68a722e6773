"""Online opinions: rate limits and bursts as pure decisions, submission rules, moderation."""
from datetime import datetime, timezone

import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.appraisal.domain.campaign import DEFAULT_OPINION_LIMITS
from services.appraisal.domain.opinion import Assessment, Opinion, Recent, assess
from tests.unit.appraisal.support import DAY, draft, opened

AT = datetime(2026, 5, 20, 2, 0, tzinfo=timezone.utc)
LIMITS = {**DEFAULT_OPINION_LIMITS, "per_ip_per_hour": 3, "per_device_per_hour": 2, "organ_burst_per_hour": 10}


def test_within_the_limits_nothing_is_flagged():
    assert assess(LIMITS, Recent(from_ip=2, from_device=1, about_organ=9)) == Assessment([], None)


def test_over_the_limits_is_flagged_not_blocked_by_default():
    result = assess(LIMITS, Recent(from_ip=3, from_device=2, about_organ=10, same_phone_same_organ=1))
    assert result.flags == ["ip_rate", "device_rate", "phone_repeat", "organ_burst"]
    assert result.blocked_by is None


def test_a_campaign_may_block_instead_but_never_for_a_burst_or_a_phone():
    block = {**LIMITS, "over_limit": "block"}
    assert assess(block, Recent(from_ip=3)).blocked_by == "ip_rate"
    assert assess(block, Recent(from_device=2)).blocked_by == "device_rate"
    assert assess(block, Recent(about_organ=50, same_phone_same_organ=3)).blocked_by is None


def test_no_device_id_or_no_organ_means_no_such_count():
    assert assess(LIMITS, Recent(from_device=9, about_organ=99), has_device=False, has_organ=False).flags == []


def submit(campaign, assessment=Assessment(), **kw):
    return Opinion.submit("opinion-1", campaign, text="窗口排队太久", at=AT, on=DAY, assessment=assessment,
                          ip_hash="ip", **kw)


def test_an_opinion_names_its_organ_and_keeps_only_hashes():
    opinion = submit(opened(), Assessment(["ip_rate"]), organ_id="traffic", phone_hash="ph")
    payload = opinion.pending[0][1]
    assert (payload["organ_name"], payload["organ_category"], payload["organ_region"]) == ("市交通运输局", "government", "360700")
    assert (payload["flags"], payload["phone_hash"], payload["channel"]) == (["ip_rate"], "ph", "online")
    assert payload["submitted_at"] == "2026-05-20T02:00:00+00:00"
    general = submit(opened()).pending[0][1]
    assert general["organ_id"] is None and general["organ_name"] is None


def test_opinions_are_refused_when_closed_blocked_or_about_a_stranger():
    with pytest.raises(DomainError, match="draft"):
        submit(draft())
    with pytest.raises(InvalidCommand) as raised:
        submit(opened(), organ_id="tax")
    assert raised.value.field == "organ_id"
    with pytest.raises(DomainError) as blocked:
        submit(opened(), Assessment(["device_rate"], "device_rate"))
    assert blocked.value.status == 429


def test_moderation_hides_but_never_alters_the_text():
    opinion = submit(opened())
    opinion.hide(reason="辱骂", by="admin", on=DAY)
    view = opinion.view()
    assert (view["hidden"], view["hidden_reason"], view["text"]) == (True, "辱骂", "窗口排队太久")
    with pytest.raises(DomainError, match="already hidden"):
        opinion.hide(reason="again", by="admin", on=DAY)
