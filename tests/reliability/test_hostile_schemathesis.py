"""Every endpoint of every service's OpenAPI document, fuzzed by schemathesis: valid and invalid
requests (positive and negative cases) with an office admin's token. No answer is a 5xx, and
every answer is what the document says: a documented status, content type and schema (errors
in the common error format, declared once for all in shared/web/openapi.py).

Bounded: a few examples per operation, derandomized (the same cases every run). The services
run in process on the embedded default, in a directory of this module's own.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from schemathesis import Config

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from tests.backends import Backend
from tests.reliability.support import ADMIN, CITY

MAX_EXAMPLES = 15
# Phases: the schema's own examples, the coverage phase (boundary values, each required part
# missing: no token, no body…) and random fuzzing. `positive_data_acceptance` is off: a request
# valid by the schema may still break a rule (an unknown region, a record that does not exist),
# and 422, 404 or 409 is then the right answer. Every other check runs: no 5xx, documented
# statuses, content types, headers and schemas, schema-invalid requests refused (413 among the
# refusals: a body past the size limit is refused before it is read against the schema).
CONFIG = {
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
    "headers": {"Authorization": ADMIN["Authorization"]},
    "checks": {"positive_data_acceptance": {"enabled": False},
               "negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428,
                                                                 429, "5xx"]}},
}
# The schemas are loaded when the module is collected (schemathesis's lazy, fixture-based loading
# does not run under pytest 9), so the services get their directory here.
DATA = Path(tempfile.mkdtemp(prefix="shuangwan-schemathesis-"))
atexit.register(shutil.rmtree, DATA, True)
BACKEND = Backend("embedded", "schemathesis", DATA)


def load(create_app, service: str):
    app = create_app(BACKEND.settings(service, office_region=CITY))
    return schemathesis.openapi.from_wsgi("/openapi.json", app, config=Config.from_dict(CONFIG))


visits = load(visits_app, "visits")
appraisal = load(appraisal_app, "appraisal")
reporting = load(reporting_app, "reporting")


@visits.parametrize()
def test_visits_api(case):
    case.call_and_validate(headers=ADMIN)


@appraisal.parametrize()
def test_appraisal_api(case):
    case.call_and_validate(headers=ADMIN)


@reporting.parametrize()
def test_reporting_api(case):
    case.call_and_validate(headers=ADMIN)
