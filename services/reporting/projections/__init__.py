"""The reporting service's projections: one collection each, one row per aggregate.

Figures that span rows (counts, rates, scores, roll-ups) are never stored: they are computed from
the rows when a report is asked for (see `services/reporting/queries`), so a redelivered event,
skipped by its row's `_version`, can never make them drift.
"""
from services.reporting.projections import appraisal, ledger, visits

# The projections' version. Raise it when a projection changes what it writes (a new field or
# collection): generations built by an earlier version are stale, and a rebuild makes them current
# (see `generations`). 2: problems and campaigns keep their office; report meetings.
VERSION = 2

PROJECTIONS = [ledger.Problems(), *visits.PROJECTIONS, *appraisal.PROJECTIONS]
