"""The two ways a payload is checked (shared/events.py) agree.

`encode` takes a payload the compiled JSON Schema accepts as it is when the type's JSON Schema
says everything its marshmallow schema checks; `decode` checks with the JSON Schema only. Both
must give what marshmallow would: the same payload for the valid, a refusal for the invalid.
"""
from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import marshmallow as ma
import pytest
from marshmallow import fields, validate

from shared.contracts.samples import sample
from shared.events import EventRegistry, InvalidPayload, Schema
from shared.jsonschema import Money, exact

def _all_types():
    from shared.contracts.appraisal import APPRAISAL
    from shared.contracts.visits import VISITS
    from shared.ledger.events import LEDGER
    return [(registry, t) for registry in (VISITS, APPRAISAL, LEDGER) for t in registry]


TYPES = _all_types()


def _marshmallow(registry: EventRegistry, name: str, data: dict) -> dict:
    schema = registry.get(name).schema()
    return schema.dump(schema.load(copy.deepcopy(data)))


@pytest.mark.parametrize("registry,event_type", TYPES, ids=lambda x: getattr(x, "name", ""))
def test_encode_and_decode_give_what_marshmallow_gives(registry, event_type):
    payload = sample(registry.json_schema(event_type.name))
    expected = _marshmallow(registry, event_type.name, payload)
    assert registry.encode(event_type.name, copy.deepcopy(payload)) == (event_type.version, expected)
    assert registry.decode(event_type.name, event_type.version, copy.deepcopy(expected)) == expected


def test_most_types_take_the_fast_path_amounts_too():
    fast = {t.name for r, t in TYPES if exact(t.schema, top=True)}
    assert {"QuestionnaireSubmitted", "VisitLogged"} <= fast  # the visit's amounts are Money
    assert "PointFundsGiven" not in fast  # a positive amount: its pattern also takes 0.00
    assert len(fast) > len(TYPES) / 2


# --- a registry of our own, to show each rule ---------------------------------------------------

REG = EventRegistry("test")


class Item(Schema):
    code = fields.Str(required=True, validate=validate.OneOf(["a", "b"]))
    n = fields.Int(required=True, validate=validate.Range(min=1))


@REG.event("Plain")
class Plain(Schema):
    items = fields.List(fields.Nested(Item), required=True)
    on = fields.Date(required=True)
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(1, 5))


def _positive(n):
    if n <= 0:
        raise ma.ValidationError("Must be greater than 0.")


@REG.event("Custom")
class Custom(Schema):
    amount = fields.Int(required=True, validate=_positive)


@REG.event("Paid")
class Paid(Schema):
    total = Money(required=True)
    each = fields.List(Money(), required=True)


@REG.event("Given")
class Given(Schema):
    amount = Money(positive=True, required=True)


@pytest.mark.parametrize("total", ["0.00", "12.50", "10000.00", Decimal("12.5"), Decimal("7"), Decimal("0"),
                                   Decimal("1E+2"), "12.5", "1e2", 3, 3.25, "12.345", Decimal("12.345"),
                                   "-1.00", "-0.00", Decimal("-0"), "NaN", Decimal("Infinity"), "", " 1.00", None])
@pytest.mark.parametrize("each", [["0.01"], ["0.00"], [Decimal("0")], [Decimal("99.99"), "1.00"], ["-5.00"], []])
def test_amounts_on_the_fast_path_come_out_as_marshmallow_gives_them(total, each):
    assert exact(Paid, top=True)
    payload = {"total": total, "each": each}
    try:
        expected = (1, _marshmallow(REG, "Paid", payload))
    except ma.ValidationError as exc:
        with pytest.raises(InvalidPayload) as refused:
            REG.encode("Paid", payload)
        assert refused.value.errors == exc.messages
    else:
        assert REG.encode("Paid", payload) == expected


def test_a_positive_amount_stays_on_marshmallow():
    assert not exact(Given, top=True)
    with pytest.raises(InvalidPayload):
        REG.encode("Given", {"amount": "0.00"})  # the published pattern alone would take it
    assert REG.encode("Given", {"amount": Decimal("5")}) == (1, {"amount": "5.00"})


def test_an_amount_written_with_leading_zeros_is_kept_as_written():
    # Valid under the published pattern, the same amount: the one case where the fast path differs.
    assert REG.encode("Paid", {"total": "012.50", "each": []})[1]["total"] == "012.50"
    assert _marshmallow(REG, "Paid", {"total": "012.50", "each": []})["total"] == "12.50"


def test_fast_path_writes_dates_and_fills_top_level_defaults():
    version, payload = REG.encode("Plain", {"items": ({"code": "a", "n": 2},), "on": date(2026, 11, 28)})
    assert payload == {"items": [{"code": "a", "n": 2}], "on": "2026-11-28", "note": None}


@pytest.mark.parametrize("bad,field", [
    ({"items": [{"code": "c", "n": 2}], "on": "2026-11-28"}, "items"),     # not one of the choices
    ({"items": [{"code": "a", "n": 0}], "on": "2026-11-28"}, "items"),     # below the range
    ({"items": [{"code": "a", "n": 1, "x": 1}], "on": "2026-11-28"}, "items"),  # unknown field
    ({"items": [], "on": "2026-02-30"}, "on"),                              # no such day
    ({"items": [], "on": "2026-11-28", "note": "too long"}, "note"),
    ({"items": [], "on": "2026-11-28", "extra": 1}, "extra"),
    ({"items": []}, "on"),                                                  # required
])
def test_invalid_payloads_are_refused_both_ways(bad, field):
    with pytest.raises(InvalidPayload) as refused:
        REG.encode("Plain", bad)
    assert field in str(refused.value.errors)  # marshmallow's message names the field
    with pytest.raises(InvalidPayload) as refused:
        REG.decode("Plain", 1, bad)
    assert field in str(refused.value.errors)


def test_a_custom_validator_keeps_the_type_on_marshmallow():
    assert not exact(Custom, top=True)
    with pytest.raises(InvalidPayload):
        REG.encode("Custom", {"amount": 0})       # the JSON Schema alone would accept it
    assert REG.encode("Custom", {"amount": "3"}) == (1, {"amount": 3})  # and marshmallow converts


def test_what_the_check_refuses_falls_back_to_marshmallow_conversion():
    # A string where an integer goes: the JSON Schema refuses, marshmallow loads it as 2.
    assert REG.encode("Plain", {"items": [{"code": "b", "n": "2"}], "on": "2026-11-28"})[1]["items"] == \
        [{"code": "b", "n": 2}]


# --- a list checked at once (API bodies) -------------------------------------------------------

def test_checked_list_keeps_a_valid_list_and_explains_an_invalid_one():
    from shared.jsonschema import CheckedList

    class Body(Schema):
        items = CheckedList(Item, required=True, validate=validate.Length(max=2))

    assert Body().load({"items": [{"code": "a", "n": 1}]}) == {"items": [{"code": "a", "n": 1}]}
    with pytest.raises(ma.ValidationError) as refused:
        Body().load({"items": [{"code": "a", "n": 1}, {"code": "z", "n": 1}]})
    assert refused.value.messages == {"items": {1: {"code": ["Must be one of: a, b."]}}}
    with pytest.raises(ma.ValidationError) as refused:
        Body().load({"items": [{"code": "a", "n": 1}] * 3})  # the list's own validators still apply
    assert "items" in refused.value.messages
    with pytest.raises(TypeError):
        CheckedList(Custom)  # a custom validator: its JSON Schema would not check all
