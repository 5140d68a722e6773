"""Commands that span records: they load what a command refers to (a visit's cadres, a report's
author, a pairing's organ), check it exists and lies within the caller's jurisdiction, then let
the aggregate decide and save what it recorded. A rejected command saves nothing.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypeVar

from shared.aggregate import Aggregate, DomainError, InvalidCommand, NotFound
from shared.application import EventSourcedRepository, new_id
from shared.clock import business_date
from shared.eventstore import ConcurrencyError
from shared.ledger.api import raise_problem
from shared.projections import In
from shared.regions import default_regions
from shared.web.auth import Caller, require_region
from shared.web.listing import region_filter
from services.visits.domain import (Cadre, ConstructionPoint, ExemplarMeeting, Organ, Pairing, Practice, ResearchReport,
                                    Visit)
from services.visits.domain.report import completion
from services.visits.domain.visit import Assistance

A = TypeVar("A", bound=Aggregate)


# --- shared checks ------------------------------------------------------------------------------

def known_region(code: str, field: str = "region") -> None:
    if code not in default_regions():
        raise InvalidCommand(f"Unknown region code {code}.", field)


def load(repository: EventSourcedRepository, who: Caller, cls: type[A], id: str, version: int | None = None) -> A:
    """The record to act on: 404 if missing, 403 outside the jurisdiction, 409 if `version` is stale."""
    record = repository.get(cls, id)
    require_region(who, record.region)
    if version is not None and version != record.version:
        raise ConcurrencyError(id, version, record.version)
    return record


def referenced(repository: EventSourcedRepository, who: Caller, cls: type[A], id: str, field: str) -> A:
    """A record a command refers to: a missing one is a mistake in the request (422 naming the field)."""
    try:
        record = repository.get(cls, id)
    except NotFound:
        raise InvalidCommand(f"No {cls.__name__} {id}.", field) from None
    require_region(who, record.region)
    return record


# --- organs and cadres ----------------------------------------------------------------------------

def register_organ(repository: EventSourcedRepository, who: Caller, *, name: str, category: str,
                   region: str) -> Organ:
    known_region(region)
    require_region(who, region)
    organ_id = new_id(Organ.stream_prefix)
    # (The same request sent again finds the organ its first try registered, under the same id.)
    if any(o["id"] != organ_id for o in repository.find(Organ.stream_prefix, {"region": region, "name": name})):
        raise DomainError(f"An organ named {name} is already registered in {region}.", "name")
    organ = Organ.register(organ_id, name=name, category=category, region=region)
    repository.save(organ)
    return organ


def register_cadre(repository: EventSourcedRepository, who: Caller, *, organ_id: str, name: str, rank: str,
                   position: str | None = None) -> Cadre:
    organ = referenced(repository, who, Organ, organ_id, "organ_id")
    cadre = Cadre.register(new_id(Cadre.stream_prefix), name=name, rank=rank, organ=organ, position=position)
    repository.save(cadre)
    return cadre


def update_cadre(repository: EventSourcedRepository, who: Caller, cadre_id: str, *, version: int | None = None,
                 on: date | None = None, rank: str | None = None, position: str | None = None,
                 organ_id: str | None = None) -> Cadre:
    cadre = load(repository, who, Cadre, cadre_id, version)
    organ = referenced(repository, who, Organ, organ_id, "organ_id") if organ_id else None
    cadre.update(on=business_date(on), rank=rank, position=position, organ=organ)
    repository.save(cadre)
    return cadre


# --- visits -----------------------------------------------------------------------------------------

def log_visit(repository: EventSourcedRepository, who: Caller, *, cadre_ids: list[str], region: str,
              visited_on: date, problems: list[dict] = (), assistance: Assistance | None = None, **facts) -> Visit:
    """Log a visit and put the problems it raised on the ledger, linked both ways."""
    known_region(region)
    require_region(who, region)
    business_date(visited_on, "visited_on")
    cadres = [referenced(repository, who, Cadre, id, "cadre_ids") for id in cadre_ids]
    visit_id = new_id(Visit.stream_prefix)

    def visit(problem_ids: list[str]) -> Visit:
        return Visit.log(visit_id, cadres=cadres, region=region, visited_on=visited_on, assistance=assistance,
                         problem_ids=problem_ids, **facts)

    # The visit's rules are checked before any problem is registered, so a rejected visit leaves none behind;
    # the problems need the visit's id and the visit their ids, hence the visit is recorded again once they exist.
    logged = visit([])
    if problems:
        problem_ids = [raise_problem(repository, source="visit", source_ref=visit_id, region=region, on=visited_on,
                                     raised_by=who.subject, **problem).id for problem in problems]
        logged = visit(problem_ids)
    repository.save(logged)
    return logged


# --- research reports -------------------------------------------------------------------------------

def submit_report(repository: EventSourcedRepository, who: Caller, *, cadre_id: str, title: str, summary: str,
                  attachment_ref: str | None = None, on: date | None = None) -> ResearchReport:
    cadre = referenced(repository, who, Cadre, cadre_id, "cadre_id")
    report = ResearchReport.submit(new_id(ResearchReport.stream_prefix), cadre=cadre, title=title, summary=summary,
                                   attachment_ref=attachment_ref, submitted_on=business_date(on))
    repository.save(report)
    return report


def report_completion(repository: EventSourcedRepository, who: Caller, *, region: str | None = None,
                      organ_id: str | None = None) -> list[dict]:
    """Leading cadres of a region (or one organ) and whether each has submitted a research report."""
    where = {"region": region_filter(who, region), "leading": True}
    if organ_id:
        where["organ_id"] = organ_id
    leading = repository.find(Cadre.stream_prefix, where)
    reports = repository.find(ResearchReport.stream_prefix, {"cadre_id": In(tuple(c["id"] for c in leading))})
    return completion(leading, reports)


# --- construction points (三个一) --------------------------------------------------------------------

def register_point(repository: EventSourcedRepository, who: Caller, *, name: str, region: str,
                   organ_id: str | None = None, on: date | None = None) -> ConstructionPoint:
    known_region(region)
    require_region(who, region)
    if organ_id:
        referenced(repository, who, Organ, organ_id, "organ_id")
    point = ConstructionPoint.register(new_id(ConstructionPoint.stream_prefix), name=name, region=region,
                                       organ_id=organ_id, registered_on=business_date(on))
    repository.save(point)
    return point


def assign_instructor(repository: EventSourcedRepository, who: Caller, point_id: str, *, version: int | None = None,
                      on: date | None = None, instructor_name: str | None = None, cadre_id: str | None = None,
                      organ_id: str | None = None) -> ConstructionPoint:
    """An instructor is often one of the organs' cadres: then name and organ default to the cadre's."""
    point = load(repository, who, ConstructionPoint, point_id, version)
    cadre = referenced(repository, who, Cadre, cadre_id, "cadre_id") if cadre_id else None
    organ_id = _contributor(repository, who, organ_id or (cadre and cadre.organ_id))
    instructor_name = instructor_name or (cadre and cadre.name)
    if not instructor_name:
        raise InvalidCommand("Name the instructor, or give the cadre sent.", "instructor_name")
    point.assign_instructor(instructor_name=instructor_name, cadre_id=cadre_id, organ_id=organ_id,
                            on=business_date(on))
    repository.save(point)
    return point


def give_point_funds(repository: EventSourcedRepository, who: Caller, point_id: str, *, amount_yuan: Decimal,
                     version: int | None = None, on: date | None = None,
                     organ_id: str | None = None) -> ConstructionPoint:
    point = load(repository, who, ConstructionPoint, point_id, version)
    point.give_funds(amount_yuan=amount_yuan, organ_id=_contributor(repository, who, organ_id), on=business_date(on))
    repository.save(point)
    return point


def donate_computers(repository: EventSourcedRepository, who: Caller, point_id: str, *, count: int,
                     version: int | None = None, on: date | None = None,
                     organ_id: str | None = None) -> ConstructionPoint:
    point = load(repository, who, ConstructionPoint, point_id, version)
    point.donate_computers(count=count, organ_id=_contributor(repository, who, organ_id), on=business_date(on))
    repository.save(point)
    return point


def _contributor(repository: EventSourcedRepository, who: Caller, organ_id: str | None) -> str | None:
    return referenced(repository, who, Organ, organ_id, "organ_id").id if organ_id else None


# --- pairings ---------------------------------------------------------------------------------------

def start_pairing(repository: EventSourcedRepository, who: Caller, *, kind: str, region: str, partner_name: str,
                  start_on: date, end_on: date, required_days: int = 0, organ_id: str | None = None,
                  cadre_id: str | None = None, point_id: str | None = None) -> Pairing:
    """A cadre pairing belongs to the cadre's organ; a point pairing lies where the point is."""
    known_region(region)
    require_region(who, region)
    if cadre_id:
        cadre = referenced(repository, who, Cadre, cadre_id, "cadre_id")
        if organ_id and organ_id != cadre.organ_id:
            raise InvalidCommand(f"The cadre belongs to organ {cadre.organ_id}, not {organ_id}.", "organ_id")
        organ_id = cadre.organ_id
    if not organ_id:
        raise InvalidCommand("Name the organ whose party organisation pairs.", "organ_id")
    referenced(repository, who, Organ, organ_id, "organ_id")
    if point_id and referenced(repository, who, ConstructionPoint, point_id, "point_id").region != region:
        raise InvalidCommand("The region is not the construction point's.", "region")
    pairing = Pairing.start(new_id(Pairing.stream_prefix), kind=kind, organ_id=organ_id, cadre_id=cadre_id,
                            point_id=point_id, partner_name=partner_name, region=region, start_on=start_on,
                            end_on=end_on, required_days=required_days)
    repository.save(pairing)
    return pairing


# --- good practices ---------------------------------------------------------------------------------

def submit_practice(repository: EventSourcedRepository, who: Caller, *, organ_id: str, title: str, summary: str,
                    on: date | None = None) -> Practice:
    organ = referenced(repository, who, Organ, organ_id, "organ_id")
    practice = Practice.submit(new_id(Practice.stream_prefix), organ=organ, title=title, summary=summary,
                               submitted_on=business_date(on))
    repository.save(practice)
    return practice


# --- report meetings on advanced examples (三学) -------------------------------------------------------

def hold_meeting(repository: EventSourcedRepository, who: Caller, *, region: str, held_on: date,
                 **facts) -> ExemplarMeeting:
    """Record a report meeting on advanced grassroots examples held in the caller's jurisdiction."""
    known_region(region)
    require_region(who, region)
    meeting = ExemplarMeeting.hold(new_id(ExemplarMeeting.stream_prefix), region=region,
                                   held_on=business_date(held_on, "held_on"), **facts)
    repository.save(meeting)
    return meeting
