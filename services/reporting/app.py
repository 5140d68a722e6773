"""The reporting service: projections per province, city and county, query API and exports.

It owns no source of truth: its projections are derived from the visits and appraisal topics
by `python -m services.reporting consume`, and `python -m services.reporting rebuild` can throw
them away and build them again (see generations.py).
"""
from __future__ import annotations

from services.reporting.api import admin, appraisal, overview, problems, visits
from services.reporting.api.common import FileFormats
from services.reporting.context import ReportingContext
from services.reporting.web import blueprint as dashboard
from shared import config
from shared.web import office
from shared.web.app import create_app as create_web_app

TITLE = "双万 · 统计报表 (reporting)"
DESCRIPTION = ("Figures per province, city and county, rolled up county → city → province: visits, cadres' "
               "coverage, 三个一, pairings, the problem ledger, appraisal scores and rankings. Every table is "
               "JSON, or a file with `format=xlsx` or `format=csv`.")
BLUEPRINTS = [overview.blp, visits.blp, problems.blp, appraisal.blp, admin.blp]


def context(settings: config.Settings | None = None) -> ReportingContext:
    return ReportingContext(settings or config.load("reporting"))


def create_app(settings: config.Settings | None = None):
    ctx = context(settings)
    if not ctx.settings.token_secret:
        raise RuntimeError("SHUANGWAN_TOKEN_SECRET is not set: the service cannot check tokens without it.")
    app, api = create_web_app(ctx.settings, TITLE, DESCRIPTION, ready=ctx.ready, spec_plugins=[FileFormats()])
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.options["security"] = [{"bearer": []}]
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    # the offices' dashboard, /dashboard/ (not in the OpenAPI document), linking to the offices' forms
    app.register_blueprint(dashboard(office.elsewhere("reporting", ctx.settings.public_urls),
                                     office.office_pages(ctx.settings.public_urls), ctx.settings.office_region))
    app.extensions["shuangwan"] = ctx
    return app
