"""No one where they don't belong: roles × regions × endpoints, and what a citizen's invitation opens.

The visits service of the city of Ganzhou (赣州市 360700) holds records of two of its counties,
章贡区 (A, 360702) and 南康区 (B, 360703). Every caller — each county's, the city's, the
province's and another city's office, in each role — tries to read and write A's records:

- a county reads and writes its own records and nothing of the other county's;
- the city reads (and, as clerk, writes) its counties'; the province everything; another city nothing;
- a viewer writes nothing; a clerk does not do what needs an admin.

Reporting instances serve their own jurisdiction. A citizen's invitation code submits once, and
no office endpoint of any service takes it as a token.
"""
from __future__ import annotations

import pytest

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from shared.clock import today
from tests.backends import token
from tests.reliability.support import ADMIN, CITY, NANKANG, TARGETS, ZHANGGONG, rating_body

PROVINCE, NANCHANG = "360000", "360100"
A, B = ZHANGGONG, NANKANG
ROLES = ("viewer", "clerk", "admin")
OFFICES = {"county A": A, "county B": B, "city": CITY, "province": PROVINCE, "another city": NANCHANG}
# Which offices cover county A's records.
COVERS_A = {"county A", "city", "province"}


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """The city's visits service with an organ, a cadre, a visit and a problem in each county."""
    from tests.backends import Backend
    backend = Backend("embedded", "access", tmp_path_factory.mktemp("access"))
    app = visits_app(backend.settings("visits", office_region=CITY))
    client = app.test_client()
    records = {}
    for county in (A, B):
        def post(path, body, headers):
            answer = client.post(path, json=body, headers=headers)
            assert answer.status_code == 201, answer.json
            return answer.json["id"]
        organ = post("/organs", {"name": f"{county}交通局", "category": "government", "region": county}, ADMIN)
        cadre = post("/cadres", {"organ_id": organ, "name": "干部", "rank": "section"}, ADMIN)
        logged = post("/visits", visit(cadre, county), ADMIN)
        problem = post("/problems", {"category": "infrastructure", "description": "路灯坏了", "region": county}, ADMIN)
        records[county] = {"organ": organ, "cadre": cadre, "visit": logged, "problem": problem}
    return client, records


def visit(cadre: str, region: str) -> dict:
    return {"cadre_ids": [cadre], "region": region, "visited_on": today().isoformat(), "place_type": "village",
            "place_name": "某村", "activities": ["ask_needs"]}


def requests_on_county_a(r: dict) -> list[tuple[str, str, str, dict | None, str]]:
    """(name, method, path, body, role needed) — every kind of access to county A's records."""
    a = r[A]
    return [
        ("read organ", "GET", f"/organs/{a['organ']}", None, "viewer"),
        ("read cadre", "GET", f"/cadres/{a['cadre']}", None, "viewer"),
        ("read visit", "GET", f"/visits/{a['visit']}", None, "viewer"),
        ("read problem", "GET", f"/problems/{a['problem']}", None, "viewer"),
        ("list visits", "GET", f"/visits?region={A}", None, "viewer"),
        ("list problems", "GET", f"/problems?region={A}", None, "viewer"),
        ("list cadres", "GET", f"/cadres?region={A}", None, "viewer"),
        ("log visit", "POST", "/visits", visit(a["cadre"], A), "clerk"),
        ("raise problem", "POST", "/problems", {"category": "infrastructure", "description": "井盖缺失", "region": A},
         "clerk"),
        ("change cadre", "PATCH", f"/cadres/{a['cadre']}", {"position": "科员"}, "admin"),
        ("register organ", "POST", "/organs", {"name": "新机关", "category": "government", "region": A}, "admin"),
    ]


def test_roles_and_regions_on_one_countys_records(visits):
    client, records = visits
    wrong = []
    for office, region in OFFICES.items():
        for role in ROLES:
            headers = token(region, role, subject=f"{office}-{role}")
            for name, method, path, body, needs in requests_on_county_a(records):
                if name == "register organ":  # a new name each time: a repeated one is a 409
                    body = {**body, "name": f"新机关-{office}-{role}"}
                if name == "change cadre":  # a new position each time: no change at all is a 409
                    body = {**body, "position": f"科员-{office}-{role}"}
                answer = client.open(path, method=method, json=body, headers=headers)
                allowed = office in COVERS_A and ROLES.index(role) >= ROLES.index(needs)
                expected = (200, 201) if allowed else (403,)
                if answer.status_code not in expected:
                    wrong.append((office, role, name, answer.status_code, answer.json))
                elif not allowed:
                    assert answer.json["error"]["code"] == "forbidden"
    assert not wrong, "\n".join(map(str, wrong))


def test_a_county_sees_nothing_of_the_other_county_in_lists(visits):
    client, records = visits
    for county, other in ((A, B), (B, A)):
        for path in ("/visits", "/problems", "/cadres", "/organs"):
            listed = client.get(path, headers=token(county, "viewer"))
            assert listed.status_code == 200
            ids = {item["id"] for item in listed.json["items"]}
            assert not ids & set(records[other].values()), (county, path)
            assert client.get(f"{path}?region={other}", headers=token(county, "viewer")).status_code == 403
        city = client.get("/visits", headers=token(CITY, "viewer")).json
        assert {records[A]["visit"], records[B]["visit"]} <= {item["id"] for item in city["items"]}


def test_reporting_instances_answer_for_their_jurisdiction_only(tmp_path):
    from tests.backends import Backend
    backend = Backend("embedded", "access", tmp_path)
    county = reporting_app(backend.settings("reporting", office_region=A)).test_client()
    city = reporting_app(backend.settings("reporting", office_region=CITY)).test_client()
    path = "/reports/visits"
    assert county.get(path, headers=token(A, "viewer")).status_code == 200
    assert county.get(path, headers=token(B, "viewer")).status_code == 403          # the neighbour
    assert county.get(f"{path}?region={B}", headers=token(CITY, "viewer")).status_code == 403  # outside the instance
    assert city.get(f"{path}?region={A}", headers=token(CITY, "viewer")).status_code == 200   # a city reads its counties
    assert city.get(f"{path}?region={B}", headers=token(A, "viewer")).status_code == 403
    assert city.get(path, headers=token(NANCHANG, "admin")).status_code == 403
    # Dead letters are raw messages of any region: only an admin of the instance's office reads them.
    assert city.get("/reports/dead-letters", headers=token(CITY, "admin")).status_code == 200
    for who in (token(CITY, "viewer"), token(A, "admin")):
        assert city.get("/reports/dead-letters", headers=who).status_code == 403


def secured_operations(client) -> list[tuple[str, str]]:
    """(method, path) of every operation the service's document does not declare public."""
    document = client.get("/openapi.json").json
    out = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete") and operation.get("security") != []:
                out.append((method.upper(), path.replace("{", "").replace("}", "")))
    return out


def test_an_invitation_answers_once_and_opens_no_office_endpoint(tmp_path):
    from tests.backends import Backend
    backend = Backend("embedded", "access", tmp_path)
    appraisal = appraisal_app(backend.settings("appraisal", office_region=CITY)).test_client()
    cid = appraisal.post("/campaigns", json={"title": "测评", "targets": TARGETS,
                                             "respondent_categories": [{"category": "npc_deputy", "quota": 5}]},
                         headers=ADMIN).json["id"]
    assert appraisal.post(f"/campaigns/{cid}/open", json={}, headers=ADMIN).status_code == 200
    batch = appraisal.post(f"/campaigns/{cid}/invitation-batches", json={"respondent_category": "npc_deputy",
                                                                          "count": 1}, headers=ADMIN).json["id"]
    code = appraisal.get(f"/batches/{batch}/invitations.csv", headers=ADMIN).data.decode("utf-8-sig") \
        .splitlines()[1].split(",")[1]

    assert appraisal.post("/responses", json={"token": code, **rating_body(0)}).status_code == 201
    again = appraisal.post("/responses", json={"token": code, **rating_body(1)})
    assert (again.status_code, again.json["error"]["code"]) == (409, "invitation_used")

    services = {"appraisal": appraisal,
                "visits": visits_app(backend.settings("visits", office_region=CITY)).test_client(),
                "reporting": reporting_app(backend.settings("reporting", office_region=CITY)).test_client()}
    tried = 0
    for name, client in services.items():
        for method, path in secured_operations(client):
            for header in (f"Bearer {code}", code, f"Token {code}"):
                answer = client.open(path, method=method, json={"token": code}, headers={"Authorization": header})
                assert answer.status_code == 401, (name, method, path, answer.status_code, answer.json)
                tried += 1
    assert tried > 3 * 70
