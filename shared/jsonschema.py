"""JSON Schema from marshmallow schemas, via apispec's converter (the same one the OpenAPI documents use)."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin


def schema_to_jsonschema(schema) -> dict:
    # A resolver that names nothing makes nested schemas inline: one self-contained document per type.
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)
    APISpec(title="events", version="1", openapi_version="3.1.0", plugins=[plugin])
    instance = schema() if isinstance(schema, type) else schema
    return plugin.converter.schema2jsonschema(instance)
