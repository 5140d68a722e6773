"""Is the current event contract compatible with the one we published? (a pure function)

Events are kept forever and integrators code against the published JSON Schemas, so a type's
schema may change only in ways that neither old stored events nor existing consumers notice.
The rule, deliberately simple:

    Within one version of an event type, its schema may only GROW:
      - a new optional field (a property that is not required);
      - new values in an enum (consumers treat an unknown value as "other");
      - documentation: title, description, default, examples, $comment.
    Everything else that was there stays exactly as it was:
      - no field removed, none renamed (a rename is a removal plus an addition);
      - no field's type changed (not even made nullable), no new required field,
        no required field made optional;
      - no enum value removed, no enum or const added to a field that had none;
      - limits (minLength, maxLength, minimum, maximum, minItems, pattern, format, …) and
        additionalProperties unchanged, whichever direction: looser limits break consumers
        that rely on them (a column width), tighter ones break old events.
    Anything else needs a NEW VERSION with an upcaster from the previous one
    (`registry.register(name, schema, version=n+1, upcasters={n: fn})`). A bumped version is
    accepted whatever its schema, provided upcasters cover every version since the snapshot.
    An event type may be added at any time, never removed (its stored events must stay readable).

`check(published, current)` compares two catalogs, each mapping "family.Type" to
{"version": n, "schema": <JSON Schema>, "upcasters": [versions]} ("upcasters" optional), and
returns the list of problems — empty when compatible.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

# Keywords that only document: changing them never breaks anyone.
DOC_KEYWORDS = frozenset({"title", "description", "default", "examples", "$comment", "$id", "$schema",
                          "deprecated", "readOnly", "writeOnly"})
# Keywords handled one by one below; every other keyword must stay exactly as it was.
STRUCTURAL = frozenset({"type", "enum", "properties", "required", "items"})


def check(published: Mapping[str, Mapping], current: Mapping[str, Mapping]) -> list[str]:
    """Problems that make `current` incompatible with `published`; empty if it is compatible."""
    problems: list[str] = []
    for key in sorted(published):
        old = published[key]
        new = current.get(key)
        if new is None:
            problems.append(f"{key}: event type removed (stored events of it would no longer be "
                            "readable); keep it registered")
            continue
        old_v, new_v = int(old["version"]), int(new["version"])
        if new_v < old_v:
            problems.append(f"{key}: version went back from v{old_v} to v{new_v}")
        elif new_v > old_v:
            missing = sorted(set(range(old_v, new_v)) - {int(v) for v in new.get("upcasters", ())})
            if missing:
                problems.append(f"{key}: v{new_v} has no upcaster from "
                                + ", ".join(f"v{v}" for v in missing))
        else:
            problems.extend(f"{key} v{new_v}: {p} — bump the version and register an upcaster "
                            f"from v{old_v}, or undo the change"
                            for p in schema_changes(old["schema"], new["schema"]))
    return problems


def schema_changes(old: Mapping[str, Any], new: Mapping[str, Any], path: str = "") -> list[str]:
    """Incompatible differences between two versions of one JSON Schema (same event version)."""
    where = path or "payload"
    out: list[str] = []

    old_types, new_types = _types(old), _types(new)
    if old_types != new_types:
        out.append(f"{where}: type changed from {_show(old_types)} to {_show(new_types)}")

    if "enum" in old:
        if "enum" not in new:
            out.append(f"{where}: enum removed (any value now allowed)")
        else:
            removed = [v for v in old["enum"] if v not in new["enum"]]
            if removed:
                out.append(f"{where}: enum values removed: {removed}")
    elif "enum" in new:
        out.append(f"{where}: enum added (values restricted)")

    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    old_req, new_req = set(old.get("required") or ()), set(new.get("required") or ())
    for name in old_props:
        sub = f"{path}.{name}" if path else name
        if name not in new_props:
            out.append(f"{sub}: field removed")
            continue
        out.extend(schema_changes(old_props[name], new_props[name], sub))
        if name in old_req and name not in new_req:
            out.append(f"{sub}: no longer required")
    for name in new_props:
        if name not in old_props and name in new_req:
            sub = f"{path}.{name}" if path else name
            out.append(f"{sub}: new required field")
    for name in sorted(new_req - old_req):
        if name in old_props:
            out.append(f"{path + '.' if path else ''}{name}: now required")
        elif name not in new_props:
            out.append(f"{path + '.' if path else ''}{name}: required but not a property")

    if "items" in old or "items" in new:
        if isinstance(old.get("items"), Mapping) and isinstance(new.get("items"), Mapping):
            out.extend(schema_changes(old["items"], new["items"], f"{path}[]" if path else "[]"))
        elif old.get("items") != new.get("items"):
            out.append(f"{where}: items changed")

    for keyword in sorted((set(old) | set(new)) - DOC_KEYWORDS - STRUCTURAL):
        if old.get(keyword, _ABSENT) != new.get(keyword, _ABSENT):
            out.append(f"{where}: {keyword} changed from {_show(old.get(keyword, _ABSENT))} "
                       f"to {_show(new.get(keyword, _ABSENT))}")
    return out


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _types(schema: Mapping[str, Any]) -> frozenset:
    t = schema.get("type")
    if t is None:
        return frozenset()  # any type
    return frozenset([t] if isinstance(t, str) else t)


def _show(value: Any) -> str:
    if isinstance(value, frozenset):
        return "/".join(sorted(value)) or "(any type)"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, _Absent) else repr(value)
