"""The visits service: cadres go down to the grassroots (组织干部下基层)."""
from __future__ import annotations

from shared import config
from shared.ledger import Problem
from shared.service import ServiceContext
from shared.web.service_app import build_app
from shared.contracts.visits import VISITS
from services.visits.api import cadres, meetings, organs, pairings, points, practices, reports, visits
from services.visits.domain import (Cadre, ConstructionPoint, ExemplarMeeting, Organ, Pairing, Practice, ResearchReport,
                                    Visit)

TITLE = "双万 · 干部下基层 (visits)"
DESCRIPTION = "Cadres' grassroots visits (三问/三送/三学), the problems they collect, research reports, 三个一, pairings, good practices, report meetings on advanced examples."
AGGREGATES = [Problem, Organ, Cadre, Visit, ResearchReport, ConstructionPoint, Pairing, Practice, ExemplarMeeting]
BLUEPRINTS = [organs.blp, cadres.blp, visits.blp, reports.blp, points.blp, pairings.blp, practices.blp, meetings.blp]


def context(settings: config.Settings | None = None) -> ServiceContext:
    return ServiceContext(settings or config.load("visits"), VISITS, AGGREGATES)


def create_app(settings: config.Settings | None = None):
    return build_app(context(settings), TITLE, DESCRIPTION, BLUEPRINTS, problem_source="visit")
