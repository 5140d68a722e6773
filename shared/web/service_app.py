"""Builds a write service's Flask app from its context: the part every service shares."""
from __future__ import annotations

from flask import Flask

from shared.ledger.api import problems_blueprint
from shared.service import ServiceContext
from shared.web import idempotency, office
from shared.web.app import create_app


def build_app(context: ServiceContext, title: str, description: str, blueprints, problem_source: str) -> Flask:
    if not context.settings.token_secret:
        raise RuntimeError("SHUANGWAN_TOKEN_SECRET is not set: the service cannot check tokens without it.")
    app, api = create_app(context.settings, title, description, ready=context.ready)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.options["security"] = [{"bearer": []}]
    idempotency.document(api.spec)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    api.register_blueprint(problems_blueprint(lambda: context.repository, source=problem_source))
    settings = context.settings
    # /office/, the offices' forms of this service: plain Flask, not in the OpenAPI document
    app.register_blueprint(office.blueprint(office.SERVICE_PAGES[settings.service],
                                            office.elsewhere(settings.service, settings.public_urls)))
    idempotency.install(app, context.views)  # POSTs sent again with an Idempotency-Key are answered once
    app.extensions["shuangwan"] = context
    return app
