"""Event types: a registry of named, versioned payload schemas.

Every event type has a marshmallow schema for its payload and a version number.
Payloads are validated on the way in (before they are stored) and on the way out
(when a consumer decodes them). Old versions stay readable: an upcaster turns a
v1 payload into v2, and so on, so that consumers only ever see the current shape.
The JSON Schema published for integrators is generated from the same schema.

The two ways differ on purpose. On the way in, the marshmallow schema loads what a command
produced (dates, decimals) and applies every domain rule it declares. On the way out, a
consumer checks the payload against the published JSON Schema (with jsonschema-rs, a compiled
validator): the same contract an integrator checks, at a fraction of the cost of a marshmallow
load and dump of the same payload, which made ~90 % of a rebuild's time.
"""
from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass, field
from typing import Callable, Mapping

import jsonschema_rs
import marshmallow as ma
import orjson

from shared.jsonschema import compile_schema, exact, money_text, schema_to_jsonschema

Upcaster = Callable[[dict], dict]


class UnknownEventType(Exception):
    """An event whose type (or version) this registry does not know."""


class InvalidPayload(Exception):
    """An event whose payload does not match its schema."""

    def __init__(self, event_type: str, errors: Mapping):
        super().__init__(f"{event_type}: invalid payload {dict(errors)}")
        self.event_type = event_type
        self.errors = errors


@dataclass(frozen=True)
class EventType:
    name: str
    schema: type[ma.Schema]
    version: int = 1
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict)
    description: str = ""


class EventRegistry:
    """The event types one service family publishes (and consumers decode)."""

    def __init__(self, family: str):
        self.family = family  # also the Kafka topic, e.g. "shuangwan.visits"
        self._types: dict[str, EventType] = {}
        self._local = threading.local()  # schema instances, one per type and thread (see _schema)
        self._validators: dict[str, tuple] = {}  # compiled JSON Schemas and defaults (see _validator)

    def register(self, name: str, schema: type[ma.Schema], *, version: int = 1,
                 upcasters: Mapping[int, Upcaster] | None = None) -> EventType:
        """Register `name` at `version`; `upcasters[n]` turns a version-n payload into n+1."""
        upcasters = dict(upcasters or {})
        missing = [v for v in range(1, version) if v not in upcasters]
        if missing:
            raise ValueError(f"{name} v{version} needs upcasters from versions {missing}")
        doc = inspect.cleandoc(schema.__doc__ or "")
        event_type = EventType(name, schema, version, upcasters, doc)
        self._types[name] = event_type
        return event_type

    def event(self, name: str, *, version: int = 1, upcasters: Mapping[int, Upcaster] | None = None):
        """Class decorator form of `register`."""
        def decorate(schema: type[ma.Schema]) -> type[ma.Schema]:
            self.register(name, schema, version=version, upcasters=upcasters)
            return schema
        return decorate

    def __contains__(self, name: str) -> bool:
        return name in self._types

    def __iter__(self):
        return iter(self._types.values())

    def get(self, name: str) -> EventType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownEventType(f"unknown event type {name!r} in {self.family}") from None

    def encode(self, name: str, data: Mapping) -> tuple[int, dict]:
        """Validate a new payload; returns (current version, JSON-ready payload).

        When the type's JSON Schema says all its marshmallow schema checks (`exact`), a payload
        the compiled JSON Schema accepts is taken as it is, dates written out: a questionnaire's
        200 ratings cost ~40 µs instead of ~6 ms. Anything else, and anything that check
        refuses, goes through marshmallow, whose messages the caller then gets."""
        event_type = self.get(name)
        validator, defaults, is_exact = self._validator(event_type)
        if is_exact:
            payload = _json_ready(data)
            if payload is not None and validator.is_valid(payload):
                for key, value in defaults:
                    payload.setdefault(key, value)
                return event_type.version, payload
        schema = self._schema(event_type)
        try:  # one load both validates and converts (`validate` would be a second, whole load)
            loaded = schema.load(_plain(data))
        except ma.ValidationError as exc:
            raise InvalidPayload(name, exc.messages) from None
        return event_type.version, schema.dump(loaded)

    def decode(self, name: str, version: int, data: Mapping) -> dict:
        """Upcast a stored payload of any known version and check it against the published JSON
        Schema of the current version. A current-version payload is returned as it came (a dict:
        the same object), absent top-level optional fields set to their defaults."""
        event_type = self.get(name)
        payload = self.upcast(name, version, data)
        validator, defaults, _ = self._validator(event_type)
        try:
            validator.validate(payload)
        except jsonschema_rs.ValidationError as exc:
            field = ".".join(str(p) for p in exc.instance_path) or "_schema"
            raise InvalidPayload(name, {field: [exc.message]}) from None
        for key, value in defaults:
            if key not in payload:  # what marshmallow's load_default gave; our producers always write them
                payload[key] = value
        return payload

    def upcast(self, name: str, version: int, data: Mapping) -> dict:
        """A stored payload of any known version in the current version's shape, unchecked (a
        current-version dict comes back as the same object)."""
        event_type = self.get(name)
        if not 1 <= version <= event_type.version:
            raise UnknownEventType(f"{name} v{version} (this reader knows up to v{event_type.version})")
        payload = data if isinstance(data, dict) else dict(data)
        for v in range(version, event_type.version):
            try:
                payload = event_type.upcasters[v](dict(payload))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                # An upcaster expects a valid payload of its version; anything else is refused as
                # invalid here rather than stopping whoever reads it.
                raise InvalidPayload(name, {"_schema": [f"not a valid v{v} payload: {exc!r}"]}) from None
        return payload

    def _schema(self, event_type: EventType) -> ma.Schema:
        """A reused instance of the type's schema: building one (marshmallow copies every declared
        field) costs more than loading a small payload. Kept per thread, as web workers run threads."""
        schemas = self._local.__dict__.setdefault("schemas", {})
        schema = schemas.get(event_type.schema)
        if schema is None:
            schema = schemas[event_type.schema] = event_type.schema()
        return schema

    def _validator(self, event_type: EventType) -> tuple:
        """(compiled JSON Schema, top-level defaults, whether it is `exact`), made once per type on
        first use. A race compiles twice, harmlessly."""
        entry = self._validators.get(event_type.name)
        if entry is None:
            schema = self.json_schema(event_type.name)
            defaults = tuple((k, p["default"]) for k, p in schema.get("properties", {}).items() if "default" in p)
            entry = compile_schema(schema), defaults, exact(event_type.schema, top=True)
            self._validators[event_type.name] = entry
        return entry

    def json_schema(self, name: str) -> dict:
        """JSON Schema (draft 2020-12) of a type's current payload."""
        event_type = self.get(name)
        out = schema_to_jsonschema(event_type.schema)
        out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out["$id"] = dataschema_uri(self.family, name, event_type.version)
        out["title"] = f"{self.family}.{name} v{event_type.version}"
        if event_type.description:
            out["description"] = event_type.description
        return out


def dataschema_uri(family: str, name: str, version: int) -> str:
    return f"urn:shuangwan:schema:{family}.{name}:v{version}"


def _json_ready(data: Mapping):
    """A copy of a command's payload in JSON values (dates as ISO strings, tuples as lists, amounts
    as `Money` writes them), or None if it holds anything else: marshmallow converts those. A round
    trip through orjson costs less than walking the payload in Python."""
    try:
        return orjson.loads(orjson.dumps(data, default=money_text))
    except TypeError:  # orjson.JSONEncodeError: a value JSON has no form for
        return None


def _plain(data: Mapping) -> dict:
    return dict(data)


class Schema(ma.Schema):
    """Base for event payload schemas: unknown fields are an error, never silently kept."""

    class Meta:
        unknown = ma.RAISE
        ordered = True
