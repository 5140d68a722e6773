"""The reporting service's projections: one collection each, one row per aggregate.

Figures that span rows (counts, rates, scores, roll-ups) are never stored: they are computed from
the rows when a report is asked for (see `services/reporting/queries`), so a redelivered event,
skipped by its row's `_version`, can never make them drift.
"""
from services.reporting.projections import appraisal, ledger, visits

PROJECTIONS = [ledger.Problems(), *visits.PROJECTIONS, *appraisal.PROJECTIONS]
