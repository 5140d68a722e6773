"""The appraisal service: citizens appraise the organs (组织群众评机关)."""
from __future__ import annotations

from shared import config
from shared.contracts.appraisal import APPRAISAL
from shared.ledger import Problem
from shared.service import ServiceContext
from shared.web.service_app import build_app
from services.appraisal import web
from services.appraisal.api import batches, campaigns, opinions, rectifications, responses
from services.appraisal.domain.batch import Batch
from services.appraisal.domain.campaign import Campaign
from services.appraisal.domain.opinion import Opinion
from services.appraisal.domain.response import Response

TITLE = "双万 · 群众评机关 (appraisal)"
DESCRIPTION = ("Appraisal campaigns of the organs: questionnaires with one-time invitation codes and paper "
               "batches, online opinions, sealing of results, and rectification of what citizens raised.")
AGGREGATES = [Campaign, Batch, Response, Opinion, Problem]
RESOURCES = [campaigns, batches, responses, opinions, rectifications]


def context(settings: config.Settings | None = None) -> ServiceContext:
    return ServiceContext(settings or config.load("appraisal"), APPRAISAL, AGGREGATES)


def create_app(settings: config.Settings | None = None):
    ctx = context(settings)
    if not ctx.settings.hash_key:
        # Invitation codes, and the hashes of IPs, devices and phones, all rest on this key.
        raise RuntimeError("SHUANGWAN_HASH_KEY is not set: the appraisal service cannot check invitations without it.")
    # A problem registered through the generic /problems endpoint comes from the questionnaires;
    # opinions become problems through /opinions/<id>/problem (source "opinion").
    app = build_app(ctx, TITLE, DESCRIPTION, [r.blueprint() for r in RESOURCES], problem_source="questionnaire")
    # The citizens' pages (/answer, /public/): plain Flask, so they stay out of the OpenAPI document.
    app.register_blueprint(web.blueprint())
    return app
