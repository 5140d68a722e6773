"""The wire format: our CloudEvents 1.0 envelope, read back by us and by the official SDK."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1.http import from_json

from shared.envelope import MalformedEnvelope, from_bytes, office_of, source_of, to_bytes, to_cloudevent
from shared.events import InvalidPayload, UnknownEventType
from tests.contract.support import Scored, event, make_registry

CHINA = timezone(timedelta(hours=8))


def sample():
    return event("visits", "visit-3f2a", 4, data={"amount": 12, "note": "三送：送政策、送温暖、送服务"},
                 region="360702", tier="county")._replace(
        time=datetime(2024, 3, 9, 18, 5, 7, 123456, tzinfo=CHINA))


def test_round_trip_through_bytes():
    original = sample()
    back = from_bytes(to_bytes(original))
    assert back == original._replace(time=original.time.astimezone(timezone.utc))
    assert back.time == original.time and back.time.utcoffset() == timedelta(0)
    assert from_bytes(json.dumps(to_cloudevent(original)).encode()) == back


def test_the_envelope_carries_the_required_attributes():
    ce = to_cloudevent(sample())
    assert ce["specversion"] == "1.0"
    assert ce["type"] == "cn.shuangwan.visits.Counted"
    assert ce["subject"] == "visit-3f2a"
    assert ce["source"] == "/shuangwan/visits/360700"
    assert ce["time"] == "2024-03-09T10:05:07.123456Z"
    assert ce["datacontenttype"] == "application/json"
    assert ce["dataschema"] == "urn:shuangwan:schema:visits.Counted:v1"
    assert (ce["region"], ce["tier"], ce["streamversion"], ce["dataversion"]) == ("360702", "county", 4, 1)
    assert "三送" in to_bytes(sample()).decode("utf-8")  # UTF-8 on the wire, not \u escapes


def test_the_source_names_the_office_that_stored_the_event():
    assert source_of("appraisal", "360702") == "/shuangwan/appraisal/360702"
    assert office_of(source_of("appraisal", "360702")) == "360702"
    # an integrator's or a malformed source names no office
    for foreign in ("/partner/visits/360702", "/shuangwan/visits", "/shuangwan/visits/3607", "shuangwan/visits/360702",
                    "/shuangwan/visits/360702/x", ""):
        assert office_of(foreign) is None, foreign


@pytest.mark.parametrize("reader", ["v1.http.from_json", "core.JSONFormat"])
def test_the_official_sdk_reads_our_bytes(reader):
    original = sample()
    raw = to_bytes(original)
    if reader == "v1.http.from_json":
        parsed = from_json(raw)
        attributes, data = parsed.get_attributes(), parsed.get_data()
        time = attributes["time"]
        time = datetime.fromisoformat(time.replace("Z", "+00:00")) if isinstance(time, str) else time
    else:
        parsed = JSONFormat().read(None, raw)
        attributes, data = parsed.get_attributes(), parsed.get_data()
        time = parsed.get_time()
        assert parsed.get_extension("region") == "360702"
    assert attributes["specversion"] == "1.0"
    assert attributes["id"] == original.id
    assert attributes["source"] == original.source
    assert attributes["type"] == "cn.shuangwan.visits.Counted"
    assert attributes["subject"] == "visit-3f2a"
    assert attributes["datacontenttype"] == "application/json"
    assert attributes["dataschema"] == "urn:shuangwan:schema:visits.Counted:v1"
    assert time == original.time
    assert attributes["region"] == "360702"
    assert attributes["tier"] == "county"
    assert attributes["streamversion"] == 4
    assert attributes["dataversion"] == 1
    assert data == original.data


@pytest.mark.parametrize("raw, why", [
    (b"\xff\xfe not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'"a string"', "not a JSON object"),
])
def test_bytes_that_are_not_an_envelope(raw, why):
    with pytest.raises(MalformedEnvelope, match=why):
        from_bytes(raw)


@pytest.mark.parametrize("change", [
    {"specversion": "0.3"},
    {"type": "com.example.visits.Counted"},
    {"type": "cn.shuangwan.Counted"},
    {"data": [1, 2]},
    {"data": "text"},
    {"time": "2024-03-09T10:05:07"},  # no offset
    {"time": "yesterday"},
    {"streamversion": "four"},
    {"id": None, "__drop__": "id"},
    {"__drop__": "region"},
    {"__drop__": "dataversion"},
    {"__drop__": "data"},
])
def test_envelopes_missing_or_wrong_attributes_are_malformed(change):
    ce = to_cloudevent(sample())
    drop = change.pop("__drop__", None)
    ce.update(change)
    if drop:
        ce.pop(drop)
    with pytest.raises(MalformedEnvelope):
        from_bytes(json.dumps(ce).encode())


def test_registry_decodes_old_versions_through_upcasters():
    registry = make_registry("appraisal")
    assert registry.decode("Scored", 1, {"points": 87}) == {"score": 87, "scale": 100}
    assert registry.decode("Scored", 2, {"score": 3, "scale": 5}) == {"score": 3, "scale": 5}
    assert registry.encode("Scored", {"score": 3, "scale": 5}) == (2, {"score": 3, "scale": 5})
    with pytest.raises(UnknownEventType):
        registry.decode("Scored", 3, {"score": 3, "scale": 5})
    with pytest.raises(UnknownEventType):
        registry.decode("Scored", 0, {"points": 1})
    with pytest.raises(UnknownEventType):
        registry.decode("Nope", 1, {})
    with pytest.raises(InvalidPayload):
        registry.decode("Scored", 2, {"score": "many", "scale": 5})
    with pytest.raises(InvalidPayload):
        registry.encode("Counted", {"amount": 1, "unexpected": True})
    with pytest.raises(ValueError):
        registry.register("Later", Scored, version=3, upcasters={1: lambda p: p})  # no 2 → 3
