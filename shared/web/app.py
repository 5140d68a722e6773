"""The Flask application every service is built on: flask-smorest for REST + OpenAPI, one
error format, body-size limit, health and readiness, security headers, locally served docs."""
from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Callable, Sequence

import orjson
from flask import Flask, jsonify, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from shared.aggregate import DomainError
from shared.config import Settings
from shared.eventstore import ConcurrencyError, StoreUnavailable
from shared.observability import instrument
from shared.events import InvalidPayload
from shared.regions import UnknownRegion
from shared.web.auth import AuthError, caller
from shared.web.errors import error_response, flatten, from_http_exception
from shared.web.openapi import CommonErrors, ErrorSchema

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "node_modules"  # front-end libraries installed from npm by `make`, served locally
COMMON = Path(__file__).resolve().parent / "static"  # what the services' pages share (pages.css, pages.js)
TEMPLATES = Path(__file__).resolve().parent / "templates"  # and the Jinja macros they share (common/)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}
# A JSON escape of a UTF-16 surrogate: legal in pairs (an astral character), invalid alone.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# The API docs page (swagger-ui) boots from a script file of its own, so no page runs inline
# script; swagger-ui sets style attributes, so that page alone allows inline styles.
DOCS_CSP = SECURITY_HEADERS["Content-Security-Policy"].replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/vendor/swagger-ui-dist/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="/docs.js"></script>
</body>
</html>
"""
DOCS_JS = 'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null});\n'


class FastJSON(DefaultJSONProvider):
    """Flask's JSON written and read by orjson: every answer is written with it, and orjson is
    several times the json module (a visit's answer ~4 µs instead of ~9, a page of 100 visits ~36
    instead of ~300). What it writes is what Flask's own provider writes with `ensure_ascii` and
    `sort_keys` off (UTF-8, keys in their order), but for NaN and infinities, which JSON has no
    form for (null instead of invalid JSON); what orjson has no form for of its own, dates and
    times included, goes through Flask's `default` as before (HTTP dates, Decimal and UUID as
    strings)."""

    OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME

    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=self.default, option=self.OPTIONS).decode()

    def loads(self, s: str | bytes, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        return self._app.response_class(
            orjson.dumps(self._prepare_response_obj(args, kwargs), default=self.default,
                         option=self.OPTIONS | orjson.OPT_APPEND_NEWLINE),  # (as Flask ends an answer)
            mimetype=self.mimetype)


class ServiceApi(Api):
    # The document describes errors as they are answered (shared/web/errors.py).
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        return from_http_exception(error)


def create_app(settings: Settings, title: str, description: str,
               ready: Callable[[], None] | None = None, spec_plugins: Sequence = ()) -> tuple[Flask, ServiceApi]:
    """The app and its Api; `spec_plugins` (apispec plugins) add to what the OpenAPI document says."""
    app = Flask(settings.service, template_folder=str(TEMPLATES))
    app.json = FastJSON(app)
    app.config.update(
        API_TITLE=title, API_VERSION="1", OPENAPI_VERSION="3.0.3",
        API_SPEC_OPTIONS={"info": {"description": description}},
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        TOKEN_SECRET=settings.token_secret, TOKEN_AUDIENCE=settings.service,
    )
    api = ServiceApi(app, spec_kwargs={"extra_plugins": [CommonErrors(), *spec_plugins]})
    instrument(app, settings.service)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        fields = {exc.field: [str(exc)]} if exc.field else None
        return error_response(exc.status, str(exc), fields, code=exc.code)

    @app.errorhandler(AuthError)
    def auth_error(exc: AuthError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, str(exc), headers=headers)

    @app.errorhandler(ConcurrencyError)
    def conflict(exc: ConcurrencyError):
        return error_response(409, f"The record changed meanwhile ({exc}); reload it and try again.",
                              code="version_conflict")

    @app.errorhandler(StoreUnavailable)
    def unavailable(exc: StoreUnavailable):
        log.error("storage unavailable: %s", exc)
        return error_response(503, "Storage is unavailable right now; nothing was saved. Try again shortly.",
                              headers={"Retry-After": "5"})

    @app.errorhandler(InvalidPayload)
    def invalid_payload(exc: InvalidPayload):
        return error_response(422, "The record would not be valid.", flatten(exc.errors))

    @app.errorhandler(UnknownRegion)
    def unknown_region(exc: UnknownRegion):
        return error_response(422, str(exc), {"region": [str(exc)]})

    @app.before_request
    def bounded_chunked_body():
        """A body sent in chunks has no Content-Length to check: werkzeug reads it only up to the
        limit and silently drops the rest. Read one byte more: a body over the limit is a 413."""
        if request.content_length is None and request.headers.get("Transfer-Encoding"):
            limit = settings.max_body_bytes
            body = request.environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return error_response(413, "The request body is too large.")
            request.environ["wsgi.input"] = io.BytesIO(body)  # what was read, for the request to parse
        return None

    @app.before_request
    def authenticate_first():
        """An endpoint of the OpenAPI document that is not public (`security=[]`) checks the token
        before anything else: no caller without a valid one learns how its request is wrong (401
        before 422), and no endpoint can forget to ask."""
        view = app.view_functions.get(request.endpoint or "")
        apidoc = getattr(view, "_apidoc", None)  # set by flask-smorest on the document's endpoints
        if apidoc is not None and request.method != "OPTIONS" \
                and apidoc.get("manual_doc", {}).get("security") != []:
            caller("viewer")

    @app.before_request
    def no_lone_surrogates():
        """JSON may escape a lone UTF-16 surrogate ("\\ud800"), which is no character: Python parses
        it into a string that cannot be encoded, stored or logged. Such a body is malformed (400)."""
        if request.is_json and _SURROGATE_ESCAPE.search(request.get_data(cache=True)):
            try:
                json.dumps(json.loads(request.get_data(cache=True)), ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                return error_response(400, "The JSON body holds a lone surrogate escape (\\ud800 to \\udfff), "
                                           "which is not a character.")
            except ValueError:
                pass  # not JSON at all: the arguments parser answers that one
        return None

    @app.errorhandler(RecursionError)
    def too_deep(_exc):
        return error_response(400, "The JSON body is nested too deeply.")

    @app.errorhandler(UnicodeDecodeError)
    def bad_encoding(_exc):
        return error_response(400, "The request body is not valid UTF-8.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return from_http_exception(exc)
        log.exception("unhandled error")
        return error_response(500, "Internal error; it has been logged.")

    @app.after_request
    def security_headers(response):
        # One pass over the answer's headers (`setdefault` scans them once per header added).
        present = {key.lower() for key in response.headers.keys()}
        response.headers.extend([(k, v) for k, v in SECURITY_HEADERS.items() if k.lower() not in present])
        return response

    @app.get("/healthz")
    def healthz():
        """Liveness: the process answers."""
        return jsonify(status="ok", service=settings.service)

    @app.get("/readyz")
    def readyz():
        """Readiness: the process can reach its storage."""
        try:
            if ready is not None:
                ready()
        except Exception as exc:  # any failure to reach storage means not ready
            return error_response(503, f"Not ready: {exc}")
        return jsonify(status="ready", service=settings.service, office=settings.office_region)

    @app.get("/vendor/<path:path>")
    def vendor(path: str):
        """Front-end libraries from npm, served locally (the offices' machines have no internet)."""
        return send_from_directory(VENDOR, path, max_age=3600)

    @app.get("/common/<path:path>")
    def common(path: str):
        """What the citizens' pages and the offices' forms share: the palette and base styles, the DOM helpers."""
        return send_from_directory(COMMON, path, max_age=3600)

    @app.get("/docs")
    def docs():
        """The API's documentation (swagger-ui, served locally) from /openapi.json."""
        response = app.response_class(DOCS_PAGE.format(title=escape(title)), mimetype="text/html")
        response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    @app.get("/docs.js")
    def docs_js():
        return app.response_class(DOCS_JS, mimetype="text/javascript")

    return app, api
