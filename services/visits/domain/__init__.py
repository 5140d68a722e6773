"""The visits service's domain core: one aggregate per module, plain Python (no Flask, no storage)."""
from services.visits.domain.cadre import Cadre, is_leading
from services.visits.domain.meeting import ExemplarMeeting
from services.visits.domain.organ import Organ
from services.visits.domain.pairing import Pairing
from services.visits.domain.point import ConstructionPoint
from services.visits.domain.practice import Practice
from services.visits.domain.report import ResearchReport
from services.visits.domain.visit import Visit

__all__ = ["Cadre", "ConstructionPoint", "ExemplarMeeting", "Organ", "Pairing", "Practice", "ResearchReport", "Visit",
           "is_leading"]
