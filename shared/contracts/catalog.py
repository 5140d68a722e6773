"""The event contract for integrators, generated from the registries: JSON Schemas and AsyncAPI.

- `json_schemas()`: {"visits.VisitLogged": JSON Schema of its current payload, …};
- `asyncapi()`: one AsyncAPI 3.0 document describing every topic and every event type, as
  received by an integrator: each message is a structured-mode CloudEvent (JSON) whose `data`
  is the type's payload;
- `generated_files()`: the files `python -m shared.contracts` writes under docs/events/;
- `current()` / `snapshot()`: what the compatibility check compares (see compat.py).

Everything here is deterministic: the same registries give byte-identical files.
"""
from __future__ import annotations

import copy
import inspect
import json
from datetime import datetime, timezone
from typing import Any, Mapping

from shared.bus import topic_for
from shared.bus.kafka import TOPIC_CONFIG
from shared.contracts import appraisal as _appraisal_module
from shared.contracts import visits as _visits_module
from shared.contracts.appraisal import APPRAISAL
from shared.contracts.samples import CannotSample, sample
from shared.contracts.visits import VISITS
from shared.envelope import SPECVERSION, TYPE_PREFIX, Recorded, to_cloudevent
from shared.events import EventRegistry, InvalidPayload, dataschema_uri

FAMILIES: dict[str, EventRegistry] = {"visits": VISITS, "appraisal": APPRAISAL}

# Version of the AsyncAPI document's own shape (envelope, channels, bindings). Event types
# carry their own versions (`dataversion`); adding a type or a field does not change this.
DOCUMENT_VERSION = "1.0.0"
KAFKA_BINDING = "0.5.0"
CONTENT_TYPE = "application/cloudevents+json"
SERVICES = {"visits": "the visits service (下基层)", "appraisal": "the appraisal service (群众评机关)"}
_FAMILY_DOCS = {"visits": _visits_module.__doc__, "appraisal": _appraisal_module.__doc__}

SNAPSHOT_FORMAT = 1


def full_type(family: str, name: str) -> str:
    """The CloudEvents `type` of an event type, e.g. `cn.shuangwan.visits.VisitLogged`."""
    return f"{TYPE_PREFIX}{family}.{name}"


def json_schemas() -> dict[str, dict]:
    """{"family.Type": JSON Schema (draft 2020-12) of the type's current payload}."""
    return {f"{family}.{t.name}": registry.json_schema(t.name)
            for family, registry in FAMILIES.items() for t in registry}


def describe(families: Mapping[str, EventRegistry]) -> dict[str, dict]:
    """Every type's current version, JSON Schema and upcasters: the input of compat.check."""
    return {f"{family}.{t.name}": {"version": t.version, "schema": registry.json_schema(t.name),
                                   "upcasters": sorted(t.upcasters)}
            for family, registry in families.items() for t in registry}


def current() -> dict[str, dict]:
    """`describe` of the published families."""
    return describe(FAMILIES)


def snapshot(families: Mapping[str, EventRegistry] | None = None) -> dict:
    """The committed snapshot's content: every type's current version and JSON Schema."""
    return {"format": SNAPSHOT_FORMAT,
            "types": {key: {"version": entry["version"], "schema": entry["schema"]}
                      for key, entry in describe(FAMILIES if families is None else families).items()}}


# --- AsyncAPI ---------------------------------------------------------------------------------


def asyncapi(topic_prefix: str = "shuangwan") -> dict:
    """The AsyncAPI 3.0.0 document: what an integrator receives from each topic."""
    channels, operations, messages, schemas = {}, {}, {}, {}
    for family, registry in FAMILIES.items():
        topic = topic_for(family, topic_prefix)
        channel_messages = {}
        for event_type in registry:
            key = f"{family}.{event_type.name}"
            schemas[key] = _embedded(registry.json_schema(event_type.name))
            messages[key] = _message(family, registry, event_type.name)
            channel_messages[event_type.name] = {"$ref": f"#/components/messages/{key}"}
        channels[family] = {
            "address": topic,
            "title": f"{topic}: events of {SERVICES.get(family, family)}",
            "description": _family_description(family),
            "messages": channel_messages,
            "bindings": {"kafka": {
                "topic": topic,
                "topicConfiguration": {
                    "cleanup.policy": [TOPIC_CONFIG["cleanup.policy"]],
                    "retention.ms": int(TOPIC_CONFIG["retention.ms"]),
                    "retention.bytes": int(TOPIC_CONFIG["retention.bytes"]),
                },
                "bindingVersion": KAFKA_BINDING,
            }},
        }
        operations[f"receive{family.title()}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{family}"},
            "title": f"Receive the {family} events",
            "summary": f"Consume {topic} in a consumer group of your own, from the earliest offset.",
            "description": (
                "Commit offsets only after an event is handled. Delivery is at least once: "
                "skip an event whose CloudEvents `id` you have already handled."),
            "messages": [{"$ref": f"#/channels/{family}/messages/{t.name}"} for t in registry],
            "bindings": {"kafka": {
                "groupId": {"type": "string", "description": "your system's consumer group, e.g. `my-system`"},
                "bindingVersion": KAFKA_BINDING,
            }},
        }
    return {
        "asyncapi": "3.0.0",
        "id": "urn:shuangwan:events",
        "info": {
            "title": "双万 Shuangwan events",
            "version": DOCUMENT_VERSION,
            "description": _INFO,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "kafka": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "title": "Your deployment's Kafka cluster",
                "description": "Ask the office's administrator for the bootstrap address.",
                "variables": {"bootstrap": {"default": "127.0.0.1:9092",
                                            "description": "host:port of a broker"}},
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


_INFO = """\
Every event the Shuangwan services record, as published on Kafka for other systems.

- **Topics**: one per service's event family (`shuangwan.visits`, `shuangwan.appraisal`); they \
keep every event forever, so a new consumer can read the whole history from the earliest offset.
- **Messages**: CloudEvents 1.0 in structured mode, JSON (`application/cloudevents+json`). The \
Kafka key is the aggregate id, which is also the CloudEvents `subject`: events of one aggregate \
arrive in order; there is no order across aggregates.
- **Extensions**: `region` (6-digit GB/T 2260 code), `tier` (province | city | county), \
`streamversion` (the event's position in its aggregate, from 1), `dataversion` (version of the \
payload schema `data` follows, also in `dataschema`).
- **Delivery** is at least once: the same event (same `id`) may arrive twice; handle by `id` idempotently.
- **Versions**: a type's schema only grows within a version (new optional fields, new enum \
values); anything else gets a new version. Events are published as stored, so an old event \
keeps its old `dataversion` and shape: switch on `dataversion`. Ignore unknown fields and types.
"""


def _family_description(family: str) -> str:
    """The contract module's docstring: what the family holds and the conventions its types follow."""
    doc = inspect.cleandoc(_FAMILY_DOCS.get(family) or "")
    return doc or f"Events of {SERVICES.get(family, family)}."


def _message(family: str, registry: EventRegistry, name: str) -> dict:
    event_type = registry.get(name)
    description = inspect.cleandoc(event_type.description or name)
    message = {
        "name": name,
        "title": f"{family}.{name} v{event_type.version}",
        "summary": " ".join(description.split("\n\n")[0].split()),  # the first paragraph, on one line
        "contentType": CONTENT_TYPE,
        "payload": envelope_schema(family, name, event_type.version),
        "bindings": {"kafka": {
            "key": {"type": "string", "description": "the aggregate id (= the CloudEvents `subject`)"},
            "bindingVersion": KAFKA_BINDING,
        }},
    }
    if event_type.version > 1:
        description += (f"\n\n`data` follows schema v{event_type.version}. Events recorded earlier keep "
                        f"the shape of their `dataversion` (see schemas/{family}.{name}.v<N>.json).")
    if "\n\n" in description:
        message["description"] = description
    example = _example(family, registry, name)
    if example is not None:
        message["examples"] = [{"name": "sample", "summary": "generated from the schema",
                                "payload": example}]
    return message


def envelope_schema(family: str, name: str, version: int) -> dict:
    """JSON Schema of the CloudEvent carrying one event type (its `data`: the payload schema)."""
    uris = [dataschema_uri(family, name, v) for v in range(1, version + 1)]
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time", "datacontenttype",
                     "dataschema", "region", "tier", "streamversion", "dataversion", "data"],
        "properties": {
            "specversion": {"type": "string", "const": SPECVERSION},
            "id": {"type": "string", "minLength": 1,
                   "description": "Unique id of the event: handle each id once (delivery is at least once)."},
            "source": {"type": "string", "minLength": 1, "examples": [f"/shuangwan/{family}/360000"],
                       "description": "`/shuangwan/<service>/<region code of the office that recorded it>`."},
            "type": {"type": "string", "const": full_type(family, name)},
            "subject": {"type": "string", "minLength": 1,
                        "description": "The aggregate id; also the Kafka key."},
            "time": {"type": "string", "format": "date-time",
                     "description": "When the event was recorded (UTC)."},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "dataschema": ({"type": "string", "const": uris[0]} if len(uris) == 1
                           else {"type": "string", "enum": uris}),
            "region": {"type": "string", "pattern": r"^\d{6}$",
                       "description": "GB/T 2260 code of the place or organ the event concerns."},
            "tier": {"type": "string", "enum": ["province", "city", "county"],
                     "description": "The tier `region` denotes."},
            "streamversion": {"type": "integer", "minimum": 1,
                              "description": "Position of the event within its aggregate, from 1."},
            "dataversion": ({"type": "integer", "const": version} if version == 1
                            else {"type": "integer", "minimum": 1, "maximum": version}),
            # A $ref alone (draft-07 ignores its siblings): the payload schema carries the description.
            "data": {"$ref": f"#/components/schemas/{family}.{name}"},
        },
    }


def _embedded(schema: dict) -> dict:
    """A payload JSON Schema as embedded in the AsyncAPI document (its $schema and $id dropped:
    the document's own schema dialect applies; the URI is in the envelope's `dataschema`)."""
    out = copy.deepcopy(schema)
    out.pop("$schema", None)
    out.pop("$id", None)
    if "description" in out:
        out["description"] = inspect.cleandoc(out["description"])
    return out


def _example(family: str, registry: EventRegistry, name: str) -> dict | None:
    """A sample CloudEvent of one type (None if the sampler cannot make a valid payload)."""
    try:
        version, data = registry.encode(name, sample(registry.json_schema(name)))
    except (CannotSample, InvalidPayload):
        return None  # the tests that sample every type say why
    event = Recorded(
        id="7c1e6a52-0d3b-4c55-9a5e-3f2b8e1d0a01", family=family, type=name, schema_version=version,
        stream=f"{family}-0001", version=1, data=data,
        time=datetime(2024, 5, 20, 1, 30, tzinfo=timezone.utc), region="360702", tier="county",
        source=f"/shuangwan/{family}/360702")
    return to_cloudevent(event)


# --- files ------------------------------------------------------------------------------------


def render(document: Any) -> str:
    """The one JSON rendering of generated files: sorted keys, UTF-8 text, 2-space indent."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def schema_filename(key: str, version: int) -> str:
    return f"{key}.v{version}.json"


def generated_files(topic_prefix: str = "shuangwan") -> dict[str, str]:
    """{path relative to docs/events/: content} of every generated file."""
    files = {"asyncapi.json": render(asyncapi(topic_prefix))}
    for key, entry in current().items():
        files[f"schemas/{schema_filename(key, entry['version'])}"] = render(entry["schema"])
    return files
