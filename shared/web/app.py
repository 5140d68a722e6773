"""The Flask application every service is built on: flask-smorest for REST + OpenAPI, one
error format, body-size limit, health and readiness, security headers, locally served docs."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from flask import Flask, jsonify, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from shared.aggregate import DomainError
from shared.config import Settings
from shared.eventstore import ConcurrencyError, StoreUnavailable
from shared.observability import instrument
from shared.events import InvalidPayload
from shared.regions import UnknownRegion
from shared.web.auth import AuthError
from shared.web.errors import error_response, flatten, from_http_exception

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "node_modules"  # front-end libraries installed from npm by `make`, served locally

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}
# The API docs page (swagger-ui) boots from an inline script: it alone gets a looser policy.
DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


class ServiceApi(Api):
    def handle_http_exception(self, error: HTTPException):
        return from_http_exception(error)


def create_app(settings: Settings, title: str, description: str,
               ready: Callable[[], None] | None = None) -> tuple[Flask, ServiceApi]:
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title, API_VERSION="1", OPENAPI_VERSION="3.0.3",
        API_SPEC_OPTIONS={"info": {"description": description}},
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL="/vendor/swagger-ui-dist/",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        TOKEN_SECRET=settings.token_secret, TOKEN_AUDIENCE=settings.service,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    api = ServiceApi(app)
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
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
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

    @app.after_request
    def docs_csp(response):
        from flask import request
        if request.path.rstrip("/").endswith("/docs"):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    return app, api
