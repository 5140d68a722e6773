"""Every page the services send carries a strict Content-Security-Policy (no inline or eval'd
script), refuses to be framed, and forbids content sniffing; the pages hold no inline script."""
from __future__ import annotations

import re

import pytest

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from tests.backends import Backend
from tests.reliability.support import CITY

PAGES = {
    "reporting": (reporting_app, ["/dashboard/", "/docs"]),
    "appraisal": (appraisal_app, ["/answer", "/public/", "/office/paper", "/office/opinions", "/office/campaigns",
                                  "/office/problems", "/docs"]),
    "visits": (visits_app, ["/office/visit", "/office/visits", "/office/reports", "/office/roster", "/office/points", "/office/pairings", "/office/practices",
                            "/office/problems", "/docs"]),
}
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(rb"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(header: str) -> dict[str, list[str]]:
    out = {}
    for directive in filter(None, (d.strip() for d in header.split(";"))):
        name, *values = directive.split()
        out[name] = values
    return out


def assert_protected(response, what: str) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", what
    csp = policy(headers["Content-Security-Policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts == ["'self'"], (what, scripts)  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert csp["default-src"] == ["'self'"], what
    assert csp.get("frame-ancestors") == ["'none'"] and headers["X-Frame-Options"] == "DENY", what
    assert csp.get("base-uri") == ["'none'"], what


@pytest.mark.parametrize("service", list(PAGES))
def test_pages_send_security_headers_and_no_inline_script(service, tmp_path):
    create_app, paths = PAGES[service]
    client = create_app(Backend("embedded", "headers", tmp_path).settings(service, office_region=CITY)).test_client()
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200 and page.mimetype == "text/html", (service, path, page.status_code)
        assert_protected(page, f"{service} {path}")
        assert not INLINE_SCRIPT.search(page.data), (service, path, INLINE_SCRIPT.search(page.data))
        assert not EVENT_HANDLER.search(page.data), (service, path)
    # The API's answers too, errors included.
    for path in ("/openapi.json", "/healthz", "/nowhere"):
        assert_protected(client.get(path), f"{service} {path}")
