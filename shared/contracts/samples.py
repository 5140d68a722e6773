"""Sample payloads generated from an event type's JSON Schema.

Used for the examples in the AsyncAPI document and by the tests that push one event of every
type through the envelope (and through the official CloudEvents SDK). The sampler knows the
JSON Schema keywords our generated schemas use; it fills in every property (optional ones
too, never with null), one item per list, the first enum value, the lowest allowed number.

A string `pattern` cannot be sampled generically: each pattern in use has a sample value in
`PATTERN_SAMPLES`. A new pattern in a contract makes `sample` raise until it gets one here.
"""
from __future__ import annotations

from typing import Any, Mapping

PATTERN_SAMPLES = {
    r"^\d{6}$": "360702",            # a region code (GB/T 2260): 赣州市章贡区
    r"^\d+\.\d{2}$": "10000.00",     # yuan as an exact decimal string
}
FORMAT_SAMPLES = {
    "date": "2024-05-20",
    "date-time": "2024-05-20T01:30:00+00:00",
    "time": "09:30:00",
    "email": "someone@example.org",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "uri": "https://example.org/",
    "url": "https://example.org/",
}


class CannotSample(ValueError):
    """The schema uses something the sampler does not know how to fill in."""


def sample(schema: Mapping[str, Any], name: str = "value") -> Any:
    """A value valid against `schema` (as far as JSON Schema says), deterministic."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        if not values:
            raise CannotSample(f"{name}: enum without a non-null value")
        return values[0]
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in schema:
            raise CannotSample(f"{name}: {combinator} is not supported")
    types = schema.get("type")
    if isinstance(types, list):
        non_null = [t for t in types if t != "null"]
        types = non_null[0] if non_null else "null"
    if types is None:
        types = "object" if "properties" in schema else None
    if types == "object":
        return {key: sample(sub, key) for key, sub in (schema.get("properties") or {}).items()}
    if types == "array":
        item = sample(schema.get("items") or {"type": "string"}, name)
        return [item] * max(int(schema.get("minItems", 1)), 1)
    if types == "string":
        return _string(schema, name)
    if types in ("integer", "number"):
        return _number(schema, name, types)
    if types == "boolean":
        return True
    if types == "null":
        return None
    raise CannotSample(f"{name}: cannot sample a schema of type {types!r}")


def _string(schema: Mapping[str, Any], name: str) -> str:
    if "pattern" in schema:
        try:
            return PATTERN_SAMPLES[schema["pattern"]]
        except KeyError:
            raise CannotSample(f"{name}: no sample for pattern {schema['pattern']!r}; "
                               "add one to shared.contracts.samples.PATTERN_SAMPLES") from None
    if "format" in schema:
        try:
            return FORMAT_SAMPLES[schema["format"]]
        except KeyError:
            raise CannotSample(f"{name}: no sample for format {schema['format']!r}") from None
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    text = name
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if high is not None:
        text = text[:int(high)]
    return text


def _number(schema: Mapping[str, Any], name: str, kind: str) -> int | float:
    if "minimum" in schema:
        low = schema["minimum"]
    elif "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    else:
        low = 0
    value = max(low, 1)  # 1 rather than 0 where allowed: a count of one reads better
    if "maximum" in schema and value > schema["maximum"]:
        value = schema["maximum"]
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        raise CannotSample(f"{name}: no {kind} sample under exclusiveMaximum {schema['exclusiveMaximum']}")
    return int(value) if kind == "integer" else value
