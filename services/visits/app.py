"""The visits service: cadres go down to the grassroots (组织干部下基层)."""
from __future__ import annotations

from shared import config
from shared.ledger import Problem
from shared.service import ServiceContext
from shared.web.service_app import build_app
from shared.contracts.visits import VISITS

TITLE = "双万 · 干部下基层 (visits)"
DESCRIPTION = "Cadres' grassroots visits (三问/三送/三学), the problems they collect, research reports, 三个一, pairings, good practices."
AGGREGATES = [Problem]
BLUEPRINTS = []


def context(settings: config.Settings | None = None) -> ServiceContext:
    return ServiceContext(settings or config.load("visits"), VISITS, AGGREGATES)


def create_app(settings: config.Settings | None = None):
    return build_app(context(settings), TITLE, DESCRIPTION, BLUEPRINTS, problem_source="visit")
