"""Hostile request bodies and queries: every one is refused in the common error format, with the
offending field named when there is one, and none is ever a 5xx.

In process for every service, then once over real HTTP against gunicorn (request limits, a body
streamed without a length).
"""
from __future__ import annotations

import socket

import pytest
import requests

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from tests.backends import Backend
from tests.reliability.support import ADMIN, CITY, Stack

LIMIT = 20_000  # SHUANGWAN_MAX_BODY_BYTES of these tests
JSON = "application/json"
ORGAN = b'{"name": "N", "category": "government", "region": "360700"}'

# (name, body, content type, status, fields named (422) or None)
BODIES = [
    ("oversized", b'{"name": "' + b"x" * LIMIT + b'"}', JSON, 413, None),
    ("deeply nested array", b"[" * 5000 + b"]" * 5000, JSON, 400, None),
    ("deeply nested field", b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON, 400, None),
    ("wrong types", b'{"name": 5, "category": ["government"], "region": {"code": 360700}}', JSON, 422,
     {"name", "category", "region"}),
    ("huge string", b'{"name": "' + "长".encode() * 5000 + b'", "category": "government", "region": "360700"}', JSON,
     422, {"name"}),
    ("invalid UTF-8", b'{"name": "\xff\xfe\xc3(", "category": "government", "region": "360700"}', JSON, 400, None),
    ("encoded surrogate", b'{"name": "\xed\xa0\x80", "category": "government", "region": "360700"}', JSON, 400, None),
    ("lone surrogate escape", b'{"name": "\\ud800", "category": "government", "region": "360700"}', JSON, 400, None),
    ("unknown field", ORGAN[:-1] + b', "is_admin": true}', JSON, 422, {"is_admin"}),
    ("truncated", ORGAN[:-9], JSON, 400, None),
    ("trailing comma", ORGAN[:-1] + b",}", JSON, 400, None),
    ("single quotes", ORGAN.replace(b'"', b"'"), JSON, 400, None),
    ("two documents", ORGAN + ORGAN, JSON, 400, None),
    ("empty", b"", JSON, 422, {"name", "category", "region"}),
    ("byte order mark", b"\xef\xbb\xbf" + ORGAN, JSON, 400, None),
    ("null", b"null", JSON, 422, None),
    ("array", b"[]", JSON, 422, None),
    ("string", b'"organ"', JSON, 422, None),
    ("NaN", b'{"name": NaN, "category": Infinity, "region": -Infinity}', JSON, 422, {"name", "category", "region"}),
    ("huge number", b'{"name": "N", "category": "government", "region": 1' + b"0" * 4000 + b"}", JSON, 422, {"region"}),
    ("not JSON at all", ORGAN, "text/plain", 422, {"name", "category", "region"}),
]
QUERIES = [
    ("page not a number", "?page=abc", {"page"}),
    ("page huge", "?page=" + "9" * 5000, {"page"}),
    ("page_size negative", "?page_size=-1", {"page_size"}),
    ("region markup", "?region=%3Cscript%3E", {"region"}),
    ("region invalid UTF-8", "?region=%ff%fe", {"region"}),
]
REPORT_QUERIES = [
    ("date not a date", "?from=yesterday", {"from"}),
    ("date out of range", "?from=0873-04-19&to=9999-12-31", {"from", "to"}),
    ("week of year 9999", "?week=9999-W52", {"week"}),
    ("format unknown", "?format=exe", {"format"}),
    ("by unknown", "?by=__class__", {"by"}),
    ("region markup", "?region=%3Cscript%3E", {"region"}),
]


def check(answer, what, status, fields=None):
    assert answer.status_code == status, (what, answer.status_code, answer.get_data(as_text=True)[:500])
    error = answer.json["error"]
    assert error["status"] == status and error["message"], what
    if fields is not None:
        assert set(error.get("fields", {})) == fields, (what, error)


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    backend = Backend("embedded", "hostile", tmp_path_factory.mktemp("hostile"))
    return {name: create(backend.settings(name, office_region=CITY, max_body_bytes=LIMIT)).test_client()
            for name, create in (("visits", visits_app), ("appraisal", appraisal_app), ("reporting", reporting_app))}


@pytest.mark.parametrize("name,body,content_type,status,fields", BODIES, ids=[b[0] for b in BODIES])
def test_hostile_bodies(apps, name, body, content_type, status, fields):
    answer = apps["visits"].post("/organs", data=body, content_type=content_type, headers=ADMIN)
    check(answer, name, status, fields)
    # The same on the public endpoints of the appraisal service (no token), where fields differ.
    public = apps["appraisal"].post("/responses", data=body.replace(b'"name"', b'"token"'), content_type=content_type)
    assert public.status_code in (400, 403, 413, 422), (name, public.status_code, public.json)
    assert public.json["error"]["status"] == public.status_code


def test_hostile_queries(apps):
    for name, query, fields in QUERIES:
        for service, path in (("visits", "/visits"), ("appraisal", "/campaigns"), ("visits", "/problems")):
            check(apps[service].get(path + query, headers=ADMIN), f"{service} {path} {name}", 422, fields)
    for name, query, fields in REPORT_QUERIES:
        for path in ("/reports/visits", "/reports/visits/weekly", "/reports/problems"):
            if name == "by unknown" and path.endswith("weekly"):
                continue  # weekly takes no `by` (and ignores unknown query parameters)
            check(apps["reporting"].get(path + query, headers=ADMIN), f"{path} {name}", 422, fields)


def test_hostile_requests_over_http(embedded, procs):
    """gunicorn in front: the body limit holds for a body streamed without a length, and request
    lines and headers over gunicorn's limits are refused before they reach the service."""
    from dataclasses import replace
    stack = Stack(embedded, procs)
    stack.settings["visits"] = replace(stack.settings["visits"], max_body_bytes=LIMIT)
    url = stack.api("visits")
    headers = {**ADMIN, "Content-Type": JSON}
    answers = {
        "oversized": requests.post(url + "/organs", data=BODIES[0][1], headers=headers, timeout=30),
        "streamed, no length": requests.post(url + "/organs", data=(b"x" * 1000 for _ in range(100)),
                                             headers=headers, timeout=30),
        "invalid UTF-8": requests.post(url + "/organs", data=BODIES[5][1], headers=headers, timeout=30),
        "deeply nested": requests.post(url + "/organs", data=BODIES[1][1], headers=headers, timeout=30),
    }
    assert {k: a.status_code for k, a in answers.items()} == {
        "oversized": 413, "streamed, no length": 413, "invalid UTF-8": 400, "deeply nested": 400}
    assert all(a.json()["error"]["status"] == a.status_code for a in answers.values())
    assert requests.get(url + "/visits?x=" + "a" * 9000, headers=ADMIN, timeout=30).status_code in (400, 414)
    too_many = {**ADMIN, **{f"X-Header-{i}": "x" for i in range(120)}}
    assert requests.get(url + "/visits", headers=too_many, timeout=30).status_code in (400, 431)
    assert requests.get(url + "/visits", headers={**ADMIN, "X-Big": "x" * 9000}, timeout=30).status_code in (400, 431)
    # A request that never finishes its body does not hold the service: another one is answered.
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30) as slow:
        slow.sendall(b"POST /organs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        assert requests.get(url + "/visits", headers=ADMIN, timeout=30).status_code == 200
    assert requests.get(url + "/readyz", timeout=30).status_code == 200
