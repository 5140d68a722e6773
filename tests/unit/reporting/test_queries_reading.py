"""How reports read: collections that grow with every event are scanned a row at a time, never
loaded whole (`find`), and those with bulky rows only for the fields a report needs. That is what
bounds a reporting worker's memory (BENCHMARKS.md, 6)."""
from datetime import date

import pytest

from services.reporting.domain.periods import Period
from services.reporting.queries import appraisal, overview, problems, visits
from services.reporting.queries.scope import Scope
from shared.projections import Namespaced
from shared.regions import default_regions
from tests.unit.reporting.support import loaded, problem_events, referred, resolved
from tests.unit.reporting.test_queries import CAMPAIGN, VISIT_EVENTS, appraisal_events

GROWING = {"visits", "cadres", "reports", "organs", "points", "pairings", "problems", "responses", "opinions"}
BULKY = {"problems", "responses", "opinions"}  # steps and descriptions; ratings; texts


class Reading(Namespaced):
    """A view that records every scan and refuses to load a growing collection whole."""

    def __init__(self, store):
        super().__init__(store, "")
        self.scans: list[tuple[str, list | None]] = []

    def find(self, collection, where=None):
        assert collection not in GROWING, f"{collection} loaded whole"
        return super().find(collection, where)

    def scan(self, collection, where=None, fields=None, order=None):
        self.scans.append((collection, None if fields is None else list(fields)))
        return super().scan(collection, where, fields, order)


@pytest.fixture(scope="module")
def store():
    events = [*VISIT_EVENTS, *appraisal_events(),
              *problem_events("p1", steps=[referred("2026-10-02", "2026-10-09"), resolved("2026-10-05")]),
              *problem_events("p2", "360703", raised_on="2026-10-03", steps=[referred("2026-10-03", "2026-10-06")])]
    return loaded("360700", events).rows()


REPORTS = {
    **{f"visits/{by}": (lambda s, v, by=by: visits.visits_table(v, s, by))
       for by in ("region", "organ", "place_type", "activity", "week")},
    **{f"cadres/{by}": (lambda s, v, by=by: visits.cadres_table(v, s, by)) for by in ("region", "organ")},
    **{f"points/{by}": (lambda s, v, by=by: visits.points_table(v, s, by)) for by in ("point", "region")},
    **{f"pairings/{by}": (lambda s, v, by=by: visits.pairings_table(v, s, by)) for by in ("region", "organ", "kind")},
    **{f"problems/{by}": (lambda s, v, by=by: problems.problems_table(v, s, by))
       for by in ("region", "source", "category", "unit", "organ", "week")},
    "overdue": lambda s, v: problems.overdue_table(v, s),
    "overview": lambda s, v: overview.overview_table(v, s),
    "campaigns": lambda s, v: appraisal.campaigns_table(v, s),
    "organs": lambda s, v: appraisal.organs_table(v, s, CAMPAIGN),
    "dimensions": lambda s, v: appraisal.dimensions_table(v, s, CAMPAIGN),
    **{f"responses/{by}": (lambda s, v, by=by: appraisal.responses_table(v, s, CAMPAIGN, by))
       for by in ("respondent_category", "channel", "batch")},
    "opinions": lambda s, v: appraisal.opinions_table(v, s, CAMPAIGN),
}


@pytest.mark.parametrize("campaign_id", [None, CAMPAIGN])
@pytest.mark.parametrize("report", sorted(REPORTS))
def test_reports_scan_growing_collections(store, report, campaign_id):
    scope = Scope("360700", Period(date(2026, 10, 1), date(2026, 10, 31)), date(2026, 11, 1), default_regions(),
                  campaign_id)
    view = Reading(store)
    table = REPORTS[report](scope, view)
    assert table.rows or table.total or campaign_id
    growing = [(c, fields) for c, fields in view.scans if c in GROWING]
    assert growing, "reads no growing collection"
    assert all(fields is not None for c, fields in growing if c in BULKY), growing
    # Only the scores read the ratings, a response's bulk (five per organ appraised).
    assert all("ratings" not in fields for c, fields in growing if c == "responses"
               and report not in ("organs", "dimensions"))
