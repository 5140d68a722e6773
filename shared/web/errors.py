"""One error format for every service:

    {"error": {"status": 422, "code": "invalid", "message": "…",
               "fields": {"place_type": ["Must be one of: enterprise, village, …"]}}}

`fields` names each offending field (dotted path for nested ones) with the reasons; it is
present only when the problem is in specific fields.
"""
from __future__ import annotations

from typing import Mapping

from flask import jsonify
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 429: "too_many_requests", 500: "internal", 503: "unavailable",
}


def error_response(status: int, message: str, fields: Mapping | None = None, code: str | None = None,
                   headers: Mapping | None = None):
    body = {"status": status, "code": code or CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = dict(fields)
    response = jsonify(error=body)
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest errors by location and field; people want `field.sub: [reasons]`."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                out.update(flatten(value, path))
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                out[path] = list(value)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    out.update(flatten(item, f"{path}.{i}"))
            else:
                out[path] = [str(value)]
    elif isinstance(messages, list):
        out[prefix or "_body"] = [str(m) for m in messages]
    else:
        out[prefix or "_body"] = [str(messages)]
    return out


def from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    fields = None
    if messages:
        # webargs groups by location ("json", "query", …); drop that level, keep the field names.
        if isinstance(messages, Mapping) and set(messages) <= {"json", "query", "form", "headers", "files", "view_args", "path", "cookies"}:
            merged = {}
            for location_errors in messages.values():
                merged.update(flatten(location_errors))
            fields = merged
        else:
            fields = flatten(messages)
    status = error.code or 500
    message = data.get("message") or _default_message(status, error)
    if fields and "_schema" in fields:
        message = "; ".join(fields.pop("_schema"))
    if fields and set(fields) == {"_body"}:
        # A complaint about the body as a whole ("Invalid JSON body."): a malformed request.
        status, message, fields = 400, "; ".join(fields["_body"]), None
    headers = dict(data.get("headers") or {})
    if getattr(error, "valid_methods", None):  # 405 names the methods the resource has (RFC 9110)
        headers.setdefault("Allow", ", ".join(error.valid_methods))
    return error_response(status, message, fields, headers=headers)


def _default_message(status: int, error: HTTPException) -> str:
    if status == 422:
        return "The request has invalid fields; see `fields`."
    if status == 413:
        return "The request body is too large."
    return error.description or error.name
