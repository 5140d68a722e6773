"""Event types of the problem ledger. Both services register these in their own registries."""
from marshmallow import fields, validate

from shared.events import EventRegistry, Schema

LEDGER = EventRegistry("ledger")

SOURCES = ("visit", "questionnaire", "opinion")
CATEGORIES = {
    "policy": "政策落实", "service": "办事服务", "infrastructure": "基础设施", "livelihood": "民生保障",
    "enterprise": "企业发展", "conduct": "干部作风", "environment": "生态环境", "other": "其他",
}

Text = lambda n, **kw: fields.Str(validate=validate.Length(1, n), **kw)  # noqa: E731
Region = lambda **kw: fields.Str(validate=validate.Regexp(r"^\d{6}$"), **kw)  # noqa: E731


@LEDGER.event("ProblemRaised")
class ProblemRaised(Schema):
    """A problem was registered in the ledger (挂号)."""
    number = fields.Str(required=True)
    source = fields.Str(required=True, validate=validate.OneOf(SOURCES))
    source_ref = fields.Str(load_default=None, allow_none=True)
    category = fields.Str(required=True, validate=validate.OneOf(list(CATEGORIES)))
    description = Text(4000, required=True)
    region = Region(required=True)
    organ_id = fields.Str(load_default=None, allow_none=True)   # the organ it concerns, if known
    raised_by = fields.Str(load_default=None, allow_none=True)  # cadre id, never a citizen's identity
    raised_on = fields.Date(required=True)


@LEDGER.event("ProblemReferred")
class ProblemReferred(Schema):
    """Assigned to a responsible unit with a deadline (交办)."""
    unit_id = fields.Str(required=True)
    unit_name = Text(200, required=True)
    responsible_person = Text(100, required=True)
    deadline = fields.Date(required=True)
    long_term = fields.Bool(load_default=False)
    measures = Text(4000, load_default=None, allow_none=True)
    referred_on = fields.Date(required=True)


@LEDGER.event("ProblemReturned")
class ProblemReturned(Schema):
    """The unit returned a wrongly assigned problem, with its reason (退回)."""
    reason = Text(2000, required=True)
    returned_on = fields.Date(required=True)


@LEDGER.event("ProblemProgressed")
class ProblemProgressed(Schema):
    """The unit reported work on the problem (办理中)."""
    note = Text(4000, required=True)
    measures = Text(4000, load_default=None, allow_none=True)
    on = fields.Date(required=True)


@LEDGER.event("ProblemDeadlineExtended")
class ProblemDeadlineExtended(Schema):
    """A long-term item got a promised completion date."""
    promised_date = fields.Date(required=True)
    reason = Text(2000, required=True)
    on = fields.Date(required=True)


@LEDGER.event("ProblemReportedDone")
class ProblemReportedDone(Schema):
    """The unit reported the problem resolved (办结), pending verification."""
    result = Text(4000, required=True)
    on = fields.Date(required=True)


@LEDGER.event("ProblemResolved")
class ProblemResolved(Schema):
    """Verified with the person who raised it, who was satisfied: closed (回访满意, 销号)."""
    feedback = Text(2000, load_default=None, allow_none=True)
    on = fields.Date(required=True)


@LEDGER.event("ProblemReopened")
class ProblemReopened(Schema):
    """Verified, not satisfied: reopened and back in progress (复号)."""
    reason = Text(2000, required=True)
    on = fields.Date(required=True)


def register_ledger(registry: EventRegistry) -> None:
    """Add the ledger's event types to a service's registry."""
    for event_type in LEDGER:
        registry.register(event_type.name, event_type.schema, version=event_type.version,
                          upcasters=event_type.upcasters)
