"""The problem ledger (问题台账) and rectification (整改), shared by the visits and appraisal services.

Problems come from grassroots visits, from questionnaires and from online opinions (the
`source` channel). Their life:

    registered (挂号) → assigned to a unit (交办) → in progress (办理中) → reported done (办结)
        → verified with the person who raised it (回访): satisfied → closed (销号)
                                                          not satisfied → reopened (复号) → in progress

A unit may return a wrongly assigned problem, with a reason, within N working days of its
assignment (default 7); it goes back to registered for re-assignment. A problem past its
deadline (or its promised date, for long-term items) and not closed is overdue (逾期) — a
derived fact, computed against today's date, never stored.
"""
from shared.ledger.events import LEDGER, SOURCES, CATEGORIES
from shared.ledger.problem import Problem, RETURN_WINDOW_WORKING_DAYS, STATUSES, is_overdue

__all__ = ["LEDGER", "SOURCES", "CATEGORIES", "Problem", "RETURN_WINDOW_WORKING_DAYS", "STATUSES", "is_overdue"]
