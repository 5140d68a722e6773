"""Stored events and their CloudEvents 1.0 envelope (structured JSON mode).

A `Recorded` event is what the event store keeps and the bus carries. On the wire it is a
CloudEvent whose extension attributes carry what every consumer needs without opening the
payload: the region code (`region`), the tier (`tier`), the aggregate's stream version
(`streamversion`) and the payload schema version (`dataversion`).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import NamedTuple

import orjson

from shared.events import dataschema_uri

SPECVERSION = "1.0"
TYPE_PREFIX = "cn.shuangwan."


class Recorded(NamedTuple):
    """One stored event: a fact about one aggregate (its stream), at one stream version.

    A named tuple rather than a frozen dataclass: equally immutable, and made three times as fast
    (a frozen dataclass sets each field through `object.__setattr__`), which a rebuild does a
    million times. Change one with `_replace`."""

    id: str
    family: str            # the service's event family, e.g. "visits"; also names the topic
    type: str              # e.g. "VisitLogged"
    schema_version: int    # version of the payload schema it was written with
    stream: str            # aggregate id (CloudEvents `subject`, Kafka key)
    version: int           # position within its stream, from 1
    data: dict
    time: datetime         # UTC
    region: str            # GB/T 2260 code of the office or unit it concerns
    tier: str              # province | city | county
    source: str            # "/shuangwan/<service>/<office region>"
    position: int | None = None  # global position in its store, once sequenced

    def at(self, position: int) -> "Recorded":
        return self._replace(position=position)


def source_of(family: str, office_region: str) -> str:
    """An event's CloudEvents `source`: the service family and the office whose instance stored it."""
    return f"/shuangwan/{family}/{office_region}"


def office_of(source: str) -> str | None:
    """The office region in a `source` made by `source_of`; None for any other source."""
    parts = source.split("/")
    if len(parts) == 4 and parts[0] == "" and parts[1] == "shuangwan" and parts[3].isdigit() and len(parts[3]) == 6:
        return parts[3]
    return None


def new_event_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_cloudevent(event: Recorded) -> dict:
    return {
        "specversion": SPECVERSION,
        "id": event.id,
        "source": event.source,
        "type": f"{TYPE_PREFIX}{event.family}.{event.type}",
        "subject": event.stream,
        "time": _iso(event.time),
        "datacontenttype": "application/json",
        "dataschema": dataschema_uri(event.family, event.type, event.schema_version),
        "dataversion": event.schema_version,
        "streamversion": event.version,
        "region": event.region,
        "tier": event.tier,
        "data": event.data,
    }


def to_bytes(event: Recorded) -> bytes:
    """Compact UTF-8 JSON (orjson: the envelope's bytes are made and parsed once per event on every
    hop, and it is several times faster than the json module at both)."""
    return orjson.dumps(to_cloudevent(event))


class MalformedEnvelope(Exception):
    """Bytes on the bus that are not one of our CloudEvents."""


def from_cloudevent(ce: dict) -> Recorded:
    try:
        if ce["specversion"] != SPECVERSION:
            raise MalformedEnvelope(f"specversion {ce['specversion']!r}")
        full_type = ce["type"]
        if not full_type.startswith(TYPE_PREFIX) or full_type.count(".") < 3:
            raise MalformedEnvelope(f"type {full_type!r} is not a Shuangwan event type")
        family, _, name = full_type[len(TYPE_PREFIX):].rpartition(".")
        data = ce["data"]
        if not isinstance(data, dict):
            raise MalformedEnvelope("data is not a JSON object")
        # (arguments by position, in the fields' order: a named tuple is made faster so than by keyword)
        return Recorded(str(ce["id"]), family, name, int(ce["dataversion"]), str(ce["subject"]),
                        int(ce["streamversion"]), data, _parse_time(ce["time"]), str(ce["region"]),
                        str(ce["tier"]), str(ce["source"]))
    except MalformedEnvelope:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedEnvelope(f"not a valid envelope: {exc!r}") from None


def from_bytes(raw: bytes) -> Recorded:
    try:
        # orjson is strict where the JSON event format is: UTF-8 only, no lone surrogate escapes
        # (a string no store could encode), no NaN, nesting at most 1024 deep.
        ce = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedEnvelope(f"not JSON: {exc}") from None
    if not isinstance(ce, dict):
        raise MalformedEnvelope("not a JSON object")
    return from_cloudevent(ce)


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_time(s: str) -> datetime:
    t = datetime.fromisoformat(s)  # (Python 3.11 reads a "Z" as UTC)
    if t.tzinfo is None:
        raise ValueError("time without offset")
    return t if t.tzinfo is timezone.utc else t.astimezone(timezone.utc)
