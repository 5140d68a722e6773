"""The error responses every operation of a service's OpenAPI document declares, once for all.

Every service answers errors in one format (shared/web/errors.py). The document says so: the
error schema is that format, and each operation lists the statuses any endpoint may answer —
a malformed body (400), no or a bad token (401, on operations that need one), a caller outside
the record's jurisdiction or role (403), an unknown record (404), a stale version or a broken
rule (409), a body over the limit (413), invalid fields (422), storage out of reach (503).
An endpoint with a status of its own (429 for rate-limited opinions) declares it itself.
"""
from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin
from marshmallow import fields

from shared.events import Schema

COMMON_ERRORS = (400, 401, 403, 404, 409, 413, 422, 503)


class ErrorDetail(Schema):
    status = fields.Int(required=True, metadata={"description": "The HTTP status, again."})
    code = fields.Str(required=True, metadata={"description": "A stable machine-readable code, e.g. `invalid`, "
                                                              "`version_conflict`, `invitation_used`."})
    message = fields.Str(required=True, metadata={"description": "What went wrong, for people."})
    fields_ = fields.Dict(data_key="fields", keys=fields.Str(), values=fields.List(fields.Str()),
                          metadata={"description": "The offending fields (dotted paths for nested ones) "
                                                   "with their reasons; only when specific fields are at fault."})


class ErrorSchema(Schema):
    """The one error format of every service."""
    error = fields.Nested(ErrorDetail, required=True)


class CommonErrors(BasePlugin):
    """apispec plugin: adds the common error responses to every operation of the document."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            public = operation.get("security") == []
            for status in COMMON_ERRORS:
                # Keys are ints or strings at this stage; a response the endpoint documents stays.
                if (status == 401 and public) or status in responses or str(status) in responses:
                    continue
                # A reference to the response flask-smorest registers for each status (ERROR_SCHEMA).
                responses[str(status)] = HTTPStatus(status).name
