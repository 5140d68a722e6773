"""REST endpoints of the problem ledger, mounted by both write services at `/problems`."""
from __future__ import annotations

from datetime import date
from typing import Callable

from marshmallow import fields, validate

from shared.application import EventSourcedRepository, new_id
from shared.aggregate import InvalidCommand
from shared.clock import business_date, today
from shared.events import Schema
from shared.ledger.events import CATEGORIES, SOURCES
from shared.ledger.problem import STATUSES, Problem, is_overdue
from shared.projections import In, Prefix
from shared.web.auth import caller, require_region
from shared.web.blueprint import Blueprint
from shared.web.listing import ListQuery, page_of_views, page_schema, region_filter


class Step(Schema):
    version = fields.Int(metadata={"description": "The version you read; a stale one gets 409."})
    on = fields.Date(metadata={"description": "Business date (China Standard Time); default today."})


class RaiseProblem(Schema):
    category = fields.Str(required=True, validate=validate.OneOf(list(CATEGORIES)))
    description = fields.Str(required=True, validate=validate.Length(1, 4000))
    region = fields.Str(required=True, validate=validate.Regexp(r"^\d{6}$"))
    source_ref = fields.Str(validate=validate.Length(1, 100))
    organ_id = fields.Str(validate=validate.Length(1, 100))
    on = fields.Date()


class Referral(Step):
    unit_id = fields.Str(required=True, validate=validate.Length(1, 100))
    unit_name = fields.Str(required=True, validate=validate.Length(1, 200))
    responsible_person = fields.Str(required=True, validate=validate.Length(1, 100))
    deadline = fields.Date(required=True)
    long_term = fields.Bool(load_default=False)
    measures = fields.Str(validate=validate.Length(1, 4000))


class Return(Step):
    reason = fields.Str(required=True, validate=validate.Length(1, 2000))


class Progress(Step):
    note = fields.Str(required=True, validate=validate.Length(1, 4000))
    measures = fields.Str(validate=validate.Length(1, 4000))


class PromisedDate(Step):
    promised_date = fields.Date(required=True)
    reason = fields.Str(required=True, validate=validate.Length(1, 2000))


class Done(Step):
    result = fields.Str(required=True, validate=validate.Length(1, 4000))


class Verification(Step):
    satisfied = fields.Bool(required=True)
    feedback = fields.Str(validate=validate.Length(1, 2000))


class HistoryEntry(Schema):
    action = fields.Str()
    on = fields.Str()
    unit = fields.Str()
    deadline = fields.Str()
    reason = fields.Str()
    note = fields.Str()
    result = fields.Str()
    feedback = fields.Str()
    promised_date = fields.Str()


class ProblemSchema(Schema):
    id = fields.Str()
    version = fields.Int()
    number = fields.Str()
    source = fields.Str()
    source_ref = fields.Str(allow_none=True)
    category = fields.Str()
    description = fields.Str()
    region = fields.Str()
    organ_id = fields.Str(allow_none=True)
    raised_by = fields.Str(allow_none=True)
    raised_on = fields.Str()
    status = fields.Str()
    overdue = fields.Bool()
    unit_id = fields.Str(allow_none=True)
    unit_name = fields.Str(allow_none=True)
    responsible_person = fields.Str(allow_none=True)
    deadline = fields.Str(allow_none=True)
    long_term = fields.Bool()
    promised_date = fields.Str(allow_none=True)
    measures = fields.Str(allow_none=True)
    referred_on = fields.Str(allow_none=True)
    reopen_count = fields.Int()
    closed_on = fields.Str(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntry))


class ProblemQuery(ListQuery):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    source = fields.Str(validate=validate.OneOf(SOURCES))
    category = fields.Str(validate=validate.OneOf(list(CATEGORIES)))
    overdue = fields.Bool()
    unit_id = fields.Str()
    source_ref_prefix = fields.Str(validate=validate.Length(1, 100), metadata={
        "description": "Problems whose `source_ref` starts with this: e.g. `<campaign id>/` for a campaign's "
                       "rectification problems (`<campaign>/<organ>/<dimension>`)."})
    source_ref = fields.List(fields.Str(validate=validate.Length(1, 100)), validate=validate.Length(1, 100), metadata={
        "description": "Problems with one of these references (repeat the parameter, at most 100): e.g. the ids "
                       "of a page of online opinions, to see which are on the ledger."})


def with_overdue(view: dict) -> dict:
    view["overdue"] = is_overdue(view["status"], view.get("deadline"), view.get("promised_date"), today())
    return view


def raise_problem(repository: EventSourcedRepository, *, source: str, category: str, description: str,
                  region: str, on: date | None = None, source_ref: str | None = None,
                  organ_id: str | None = None, raised_by: str | None = None) -> Problem:
    """Register a problem; the number is the region, the date and a short unique tail."""
    on = business_date(on)
    problem_id = new_id(Problem.stream_prefix)
    number = f"{region}-{on:%Y%m%d}-{problem_id[-6:].upper()}"
    problem = Problem.raise_(problem_id, number=number, source=source, category=category, description=description,
                             region=region, raised_on=on, source_ref=source_ref, organ_id=organ_id,
                             raised_by=raised_by)
    repository.save(problem)
    return problem


def problems_blueprint(get_repository: Callable[[], EventSourcedRepository], source: str) -> Blueprint:
    """`source` is the channel this service registers problems from ("visit" for visits)."""
    blp = Blueprint("problems", __name__, url_prefix="/problems",
                    description="The problem ledger (问题台账) and rectification (整改).")

    def load(problem_id: str, version: int | None, role: str = "clerk") -> Problem:
        who = caller(role)
        problem = get_repository().get(Problem, problem_id)
        require_region(who, problem.region)
        if version is not None and version != problem.version:
            from shared.eventstore import ConcurrencyError
            raise ConcurrencyError(problem_id, version, problem.version)
        return problem

    def step(problem_id: str, args: dict, action: Callable[[Problem, date], None]) -> dict:
        problem = load(problem_id, args.pop("version", None))
        on = business_date(args.pop("on", None))
        action(problem, on)
        get_repository().save(problem)
        return with_overdue(problem.view())

    @blp.get("")
    @blp.arguments(ProblemQuery, location="query")
    @blp.response(200, page_schema(ProblemSchema))
    def list_problems(query):
        """List problems in the caller's jurisdiction, filterable by status, source, category, unit, overdue and
        their reference (one of several, or its start)."""
        who = caller("viewer")
        where = {"region": region_filter(who, query.get("region"))}
        for key in ("status", "source", "category", "unit_id"):
            if key in query:
                where[key] = query[key]
        if "source_ref_prefix" in query:
            where["source_ref"] = Prefix(query["source_ref_prefix"])
        if "source_ref" in query:
            if "source_ref_prefix" in query:
                raise InvalidCommand("Give source_ref or source_ref_prefix, not both.", "source_ref")
            where["source_ref"] = In(query["source_ref"])
        keep = (lambda v: v["overdue"] == query["overdue"]) if "overdue" in query else None  # as of today
        return page_of_views(get_repository(), Problem.stream_prefix, where, [("raised_on", True)], query,
                             each=with_overdue, keep=keep)

    @blp.post("")
    @blp.arguments(RaiseProblem)
    @blp.response(201, ProblemSchema)
    def create(args):
        """Register a problem (挂号)."""
        who = caller("clerk")
        require_region(who, args["region"])
        problem = raise_problem(get_repository(), source=source, raised_by=who.subject, **args)
        return with_overdue(problem.view())

    @blp.get("/<problem_id>")
    @blp.response(200, ProblemSchema)
    def get(problem_id):
        """One problem with its whole history."""
        who = caller("viewer")
        view = get_repository().view(problem_id)
        require_region(who, view["region"])
        return with_overdue(view)

    @blp.post("/<problem_id>/referral")
    @blp.arguments(Referral)
    @blp.response(200, ProblemSchema)
    def refer(args, problem_id):
        """Assign to a responsible unit with a deadline (交办)."""
        return step(problem_id, args, lambda p, on: p.refer(referred_on=on, **args))

    @blp.post("/<problem_id>/return")
    @blp.arguments(Return)
    @blp.response(200, ProblemSchema)
    def give_back(args, problem_id):
        """The unit returns a wrongly assigned problem, within the allowed working days (退回)."""
        return step(problem_id, args, lambda p, on: p.return_to_office(returned_on=on, **args))

    @blp.post("/<problem_id>/progress")
    @blp.arguments(Progress)
    @blp.response(200, ProblemSchema)
    def progress(args, problem_id):
        """Record work on the problem (办理中)."""
        return step(problem_id, args, lambda p, on: p.progress(on=on, **args))

    @blp.post("/<problem_id>/promised-date")
    @blp.arguments(PromisedDate)
    @blp.response(200, ProblemSchema)
    def promise(args, problem_id):
        """Set the promised completion date of a long-term item."""
        return step(problem_id, args, lambda p, on: p.extend(on=on, **args))

    @blp.post("/<problem_id>/done")
    @blp.arguments(Done)
    @blp.response(200, ProblemSchema)
    def done(args, problem_id):
        """The unit reports the problem resolved (办结)."""
        return step(problem_id, args, lambda p, on: p.report_done(on=on, **args))

    @blp.post("/<problem_id>/verification")
    @blp.arguments(Verification)
    @blp.response(200, ProblemSchema)
    def verify(args, problem_id):
        """Verification with the person who raised it (回访): satisfied closes, not satisfied reopens."""
        return step(problem_id, args, lambda p, on: p.verify(on=on, **args))

    return blp
