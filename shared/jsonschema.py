"""JSON Schema from marshmallow schemas, via apispec's converter (the same one the OpenAPI documents
use), and compiled to check many values fast.

Marshmallow loads a record in tens of microseconds a field; a questionnaire's 200 ratings took
milliseconds at each of its checks. jsonschema-rs checks the same list in tens of microseconds.
Where a schema is `exact` (its JSON Schema checks all that its load does), a value the compiled
JSON Schema accepts can be taken as it is; anything it refuses still goes through marshmallow,
for marshmallow's messages and conversions.
"""
from __future__ import annotations

from decimal import Decimal

import jsonschema_rs
import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin


def schema_to_jsonschema(schema) -> dict:
    # A resolver that names nothing makes nested schemas inline: one self-contained document per type.
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)
    APISpec(title="events", version="1", openapi_version="3.1.0", plugins=[plugin])
    instance = schema() if isinstance(schema, type) else schema
    return plugin.converter.schema2jsonschema(instance)


def compile_schema(json_schema: dict):
    """A jsonschema-rs validator (draft 2020-12), formats such as `date` checked too."""
    return jsonschema_rs.validator_for(json_schema, validate_formats=True)


# Field kinds and validators whose JSON Schema (as apispec writes it) accepts exactly what marshmallow
# loads from JSON values, with nothing to convert on the way out.
_EXACT_FIELDS = (ma.fields.String, ma.fields.Integer, ma.fields.Boolean, ma.fields.Date)
_EXACT_VALIDATORS = (ma.validate.OneOf, ma.validate.Length, ma.validate.Range, ma.validate.Regexp)


def exact(schema: type[ma.Schema], top: bool = False) -> bool:
    """Whether the JSON Schema of `schema` checks everything its marshmallow load does: only plain
    fields with declarative validators (not a custom function, like a positive amount), no hooks,
    and defaults only at the top (`top`: the caller fills those in)."""
    if any(schema._hooks.values()) or getattr(schema.Meta, "unknown", ma.RAISE) != ma.RAISE:
        return False
    return all(_exact_field(f, top) for f in schema._declared_fields.values())


def _exact_field(field: ma.fields.Field, top: bool) -> bool:
    if field.load_default is not ma.missing and not top:
        return False
    if type(field) is Money:
        return not field.positive  # the pattern is a non-negative amount's whole check
    if not all(isinstance(v, _EXACT_VALIDATORS) for v in field.validators):
        return False
    if isinstance(field, ma.fields.List):
        return _exact_field(field.inner, top=False)
    if isinstance(field, ma.fields.Nested):
        return not field.many and isinstance(field.nested, type) and exact(field.nested)
    return type(field) in _EXACT_FIELDS  # not subclasses: fields.UUID is a String that converts


class CheckedList(ma.fields.List):
    """A list of records of an `exact` schema (e.g. a questionnaire's ratings): the whole list is
    checked at once by the compiled JSON Schema and kept as it is; a list it refuses is loaded
    item by item by marshmallow, which says what is wrong where. Documented as `List(Nested(…))`."""

    def __init__(self, item: type[ma.Schema], **kwargs):
        if not exact(item):
            raise TypeError(f"{item.__name__} is not exact: its JSON Schema does not check all its load does")
        super().__init__(ma.fields.Nested(item), **kwargs)
        self._check = compile_schema({"type": "array", "items": schema_to_jsonschema(item)})

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list and self._check.is_valid(value):
            return value
        return super()._deserialize(value, attr, data, **kwargs)


CENT = Decimal("0.01")


class Money(ma.fields.Decimal):
    """An amount with two decimal places, written as a string ("10000.00"), never negative (or,
    with `positive`, above 0). Its JSON Schema pattern (digits, a point, two places) is all that a
    non-negative amount's load checks, so that kind is exact; a positive one is not (the pattern
    also takes "0.00"; the published contract keeps the pattern it has always had).
    The one difference: a string with leading zeros ("012.50") stays as written, where marshmallow
    would write "12.50" — the same amount. Decimals are always written as marshmallow writes them."""

    PATTERN = r"^\d+\.\d{2}$"

    def __init__(self, *, positive: bool = False, metadata: dict | None = None, **kwargs):
        self.positive = positive
        super().__init__(as_string=True, places=2, allow_nan=False,
                         validate=_positive if positive else _non_negative,
                         metadata={"type": "string", "pattern": self.PATTERN, **(metadata or {})}, **kwargs)


def _non_negative(amount) -> None:
    if amount < 0:
        raise ma.ValidationError("Must not be negative.")


def _positive(amount) -> None:
    if amount <= 0:
        raise ma.ValidationError("Must be greater than 0.")


def money_text(value):
    """A Decimal as a `Money` field writes it, if that needs no rounding (orjson's `default`:
    anything else raises TypeError, and the value is left to marshmallow)."""
    if isinstance(value, Decimal) and value.is_finite():
        cents = value.quantize(CENT)
        if cents == value:
            return format(cents, "f")
    raise TypeError(f"not an amount: {value!r}")
