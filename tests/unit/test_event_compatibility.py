"""Event schemas change only compatibly, or get a new version (with an upcaster).

The contract as last published is committed in shared/contracts/snapshot.json; the rule is in
shared/contracts/compat.py (in short: within a version a schema may only gain optional fields,
enum values and documentation). Regenerate the snapshot after a deliberate change:

    python -m shared.contracts --snapshot           # refuses a change that breaks the snapshot
    python -m shared.contracts --snapshot --force   # accepts it: only for types never released
    python -m shared.contracts                      # and regenerate docs/events to match

While the contracts are still growing (before the first release) the lead regenerates the
snapshot with --force once the contracts of the day are in.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from marshmallow import fields, validate

from shared.contracts import catalog
from shared.contracts.compat import check, schema_changes
from shared.contracts.samples import sample
from shared.events import EventRegistry, Schema

SNAPSHOT = Path(catalog.__file__).with_name("snapshot.json")
REGENERATE = "python -m shared.contracts --snapshot"


def _published() -> dict:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))["types"]


# --- the real contracts against the committed snapshot ----------------------------------------


def test_current_contracts_are_compatible_with_the_snapshot():
    problems = check(_published(), catalog.current())
    assert not problems, "incompatible event schema changes:\n  " + "\n  ".join(problems)
    if catalog.snapshot() != json.loads(SNAPSHOT.read_text(encoding="utf-8")):
        warnings.warn(f"shared/contracts/snapshot.json is behind compatible changes; run `{REGENERATE}`",
                      stacklevel=1)


def test_bumped_versions_upcast_what_the_snapshot_published():
    """A type whose version went up since the snapshot must still read its old payloads."""
    published = _published()
    for key, entry in catalog.current().items():
        old = published.get(key)
        if old is None or entry["version"] == old["version"]:
            continue
        family, name = key.split(".", 1)
        old_payload = sample(old["schema"])
        catalog.FAMILIES[family].decode(name, old["version"], old_payload)  # raises if it cannot


def test_every_registered_type_is_in_the_snapshot_or_new():
    published = _published()
    assert set(published) <= set(catalog.current()), "event types removed since the snapshot"


# --- the checker on small schemas -------------------------------------------------------------


def obj(properties: dict, required=(), additional=False, **extra) -> dict:
    out = {"type": "object", "properties": properties, "required": sorted(required), **extra}
    if additional is not None:
        out["additionalProperties"] = additional
    return out


STR = {"type": "string", "minLength": 1, "maxLength": 200}
NULLABLE_STR = {"type": ["string", "null"], "default": None}
KIND = {"type": "string", "enum": ["a", "b"]}
BASE = obj({"name": STR, "kind": KIND, "note": NULLABLE_STR,
            "items": {"type": "array", "items": obj({"count": {"type": "integer", "minimum": 1}}, ["count"])}},
           ["name", "kind", "items"])


def changed(**props) -> dict:
    """BASE with some properties replaced (None removes one)."""
    new = json.loads(json.dumps(BASE))
    for key, value in props.items():
        if value is None:
            new["properties"].pop(key)
            new["required"] = [r for r in new["required"] if r != key]
        else:
            new["properties"][key] = value
    return new


@pytest.mark.parametrize("new", [
    pytest.param(BASE, id="unchanged"),
    pytest.param(changed(extra=NULLABLE_STR), id="new optional field"),
    pytest.param(changed(kind={"type": "string", "enum": ["a", "b", "c"]}), id="new enum value"),
    pytest.param(changed(name={**STR, "description": "the name"}), id="new description"),
    pytest.param({**BASE, "title": "renamed title", "description": "words"}, id="new title"),
    pytest.param(changed(items={"type": "array", "items": obj(
        {"count": {"type": "integer", "minimum": 1}, "unit": NULLABLE_STR}, ["count"])}),
        id="new optional field in a nested object"),
])
def test_compatible_changes(new):
    assert schema_changes(BASE, new) == []


@pytest.mark.parametrize("new, expected", [
    (changed(note=None), "note: field removed"),
    (changed(name={**STR, "type": "integer"}), "name: type changed from string to integer"),
    (changed(name={**STR, "type": ["string", "null"]}), "name: type changed from string to null/string"),
    ({**changed(code=STR), "required": ["code", "items", "kind", "name"]}, "code: new required field"),
    ({**BASE, "required": ["items", "kind", "name", "note"]}, "note: now required"),
    ({**BASE, "required": ["items", "kind"]}, "name: no longer required"),
    (changed(kind={"type": "string", "enum": ["a"]}), "kind: enum values removed: ['b']"),
    (changed(kind={"type": "string"}), "kind: enum removed"),
    (changed(name={**STR, "enum": ["x"]}), "name: enum added"),
    ({**BASE, "additionalProperties": True}, "payload: additionalProperties changed from false to true"),
    (obj(BASE["properties"], BASE["required"], additional=None),
     "payload: additionalProperties changed from false to (absent)"),
    (changed(name={**STR, "maxLength": 100}), "name: maxLength changed from 200 to 100"),
    (changed(name={**STR, "maxLength": 400}), "name: maxLength changed from 200 to 400"),
    (changed(name={**STR, "pattern": "^x"}), "name: pattern changed from (absent) to \"^x\""),
    (changed(items={"type": "array", "items": obj({"count": {"type": "integer", "minimum": 1}})}),
     "items[].count: no longer required"),
    (changed(items={"type": "array", "items": obj({"count": {"type": "number", "minimum": 1}}, ["count"])}),
     "items[].count: type changed from integer to number"),
    (changed(items={"type": "array", "items": obj({}, [])}), "items[].count: field removed"),
])
def test_incompatible_changes(new, expected):
    problems = schema_changes(BASE, new)
    assert any(p.startswith(expected) for p in problems), problems


def test_loosening_additional_properties_in_a_nested_object_is_flagged():
    new = changed(items={"type": "array", "items": obj(
        {"count": {"type": "integer", "minimum": 1}}, ["count"], additional=True)})
    assert schema_changes(BASE, new) == ["items[]: additionalProperties changed from false to true"]


def entry(schema, version=1, upcasters=()):
    return {"version": version, "schema": schema, "upcasters": list(upcasters)}


def test_check_accepts_new_types_and_compatible_changes():
    published = {"visits.A": entry(BASE)}
    current = {"visits.A": entry(changed(extra=NULLABLE_STR)), "visits.B": entry(BASE)}
    assert check(published, current) == []


def test_check_reports_incompatible_change_without_new_version():
    problems = check({"visits.A": entry(BASE)}, {"visits.A": entry(changed(note=None))})
    assert len(problems) == 1
    assert problems[0].startswith("visits.A v1: note: field removed — bump the version")


def test_check_accepts_new_version_with_upcasters():
    current = {"visits.A": entry(changed(note=None, name={"type": "integer"}), version=3, upcasters=[1, 2])}
    assert check({"visits.A": entry(BASE)}, current) == []


def test_check_rejects_new_version_without_upcaster_from_the_published_one():
    problems = check({"visits.A": entry(BASE, version=2)},
                     {"visits.A": entry(changed(note=None), version=4, upcasters=[1, 3])})
    assert problems == ["visits.A: v4 has no upcaster from v2"]


def test_check_rejects_removed_type_and_version_going_back():
    problems = check({"visits.A": entry(BASE), "visits.B": entry(BASE, version=2)},
                     {"visits.B": entry(BASE, version=1)})
    assert problems[0].startswith("visits.A: event type removed")
    assert problems[1] == "visits.B: version went back from v2 to v1"


# --- the checker on real registries (marshmallow → JSON Schema → check → upcast) ------------


class NoteV1(Schema):
    """A note was written."""
    text = fields.Str(required=True, validate=validate.Length(1, 200))
    region = fields.Str(required=True, validate=validate.Regexp(r"^\d{6}$"))


class NoteWithTags(NoteV1):
    tags = fields.List(fields.Str(), load_default=None, allow_none=True)


class NoteV2(Schema):
    """A note was written (v2: `text` became `body`)."""
    body = fields.Str(required=True, validate=validate.Length(1, 200))
    region = fields.Str(required=True, validate=validate.Regexp(r"^\d{6}$"))


def registry_with(schema, version=1, upcasters=None) -> EventRegistry:
    registry = EventRegistry("demo")
    registry.register("NoteWritten", schema, version=version, upcasters=upcasters)
    return registry


def describe(registry) -> dict:
    return catalog.describe({"demo": registry})


def test_registries_new_optional_field_is_compatible():
    published = catalog.snapshot({"demo": registry_with(NoteV1)})["types"]
    assert check(published, describe(registry_with(NoteWithTags))) == []


def test_registries_rename_without_new_version_is_incompatible():
    published = catalog.snapshot({"demo": registry_with(NoteV1)})["types"]
    problems = check(published, describe(registry_with(NoteV2)))
    assert any("text: field removed" in p for p in problems)
    assert any("body: new required field" in p for p in problems)


def test_registries_rename_with_new_version_and_upcaster_is_accepted():
    published = catalog.snapshot({"demo": registry_with(NoteV1)})["types"]

    def text_to_body(payload: dict) -> dict:
        payload = dict(payload)
        payload["body"] = payload.pop("text")
        return payload

    v2 = registry_with(NoteV2, version=2, upcasters={1: text_to_body})
    assert check(published, describe(v2)) == []
    old_payload = sample(published["demo.NoteWritten"]["schema"])
    assert v2.decode("NoteWritten", 1, old_payload) == {"body": old_payload["text"], "region": "360702"}
