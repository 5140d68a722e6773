"""Graded implementation (分级实施), for real: four offices on one Kafka cluster.

The province (江西省 360000), a city (赣州市 360700) and two of its counties (章贡区 360702,
瑞金市 360781) each run their own instances, as processes: visits and appraisal under gunicorn
with the office's region, its own event store (a MongoDB database of its own on the real
FerretDB) and its own token secret, the two relays, and the office's reporting API and
`consume` process. They share ONE Kafka cluster (the session broker) and one topic prefix,
unique to this test.

Each office writes through its own services with its own office tokens, in its own region.
Once every reporting instance has settled, the test proves that each one shows exactly its
jurisdiction (a county nothing of the other county; the city both counties and itself; the
province everything), and that the roll-up holds: the city's and the province's figures are the
sums of their parts, and the line a higher office shows for a lower one equals what the lower
office's own instance shows.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
import requests

from shared.clock import today
from shared.config import Settings
from shared.web.auth import issue_token
from tests.backends import _with_database
from tests.processes import Processes, free_port

PROVINCE, CITY, ZHANGGONG, RUIJIN = "360000", "360700", "360702", "360781"
NAMES = {PROVINCE: "江西省", CITY: "赣州市", ZHANGGONG: "章贡区", RUIJIN: "瑞金市"}
SERVICES = ("visits", "appraisal", "reporting")
# What the overview adds up (the rates are compared line by line instead).
ADDITIVE = ("visits", "cadres_taking_part", "people_reached", "funds_yuan", "problems_raised",
            "problems_closed", "problems_overdue", "pairings_active")
STARTUP_TIMEOUT = 180
SETTLE_TIMEOUT = 240


@dataclass
class Office:
    region: str
    secret: str
    settings: dict[str, Settings]
    urls: dict[str, str] = field(default_factory=dict)
    written: dict = field(default_factory=dict)   # the headline figures of what this office wrote

    def auth(self, role: str, region: str | None = None) -> dict:
        token = issue_token(self.secret, f"{NAMES[self.region]}-{role}", region or self.region, role,
                            list(SERVICES), 3600)
        return {"Authorization": "Bearer " + token}

    def post(self, service: str, path: str, body: dict, role: str = "clerk", status: int = 201) -> dict:
        answer = requests.post(self.urls[service] + path, json=body, headers=self.auth(role), timeout=30)
        assert answer.status_code == status, (self.region, service, path, answer.status_code, answer.text)
        return answer.json()

    def report(self, path: str, role: str = "viewer", status: int = 200, headers: dict | None = None, **params):
        answer = requests.get(self.urls["reporting"] + path, params=params, timeout=30,
                              headers=headers if headers is not None else self.auth(role))
        assert answer.status_code == status, (self.region, path, params, answer.status_code, answer.text)
        return answer.json()


def office_settings(region: str, name: str, mongodb_url: str, kafka: str, tmp) -> dict[str, Settings]:
    """One office's settings: its region, its own database (event store, views and projections,
    as docker-compose.yml gives an office one MongoDB), the shared bus and topic prefix."""
    database = _with_database(mongodb_url, f"{name}_{region}")
    data_dir = tmp / region
    data_dir.mkdir()
    return {service: Settings(service=service, office_region=region, data_dir=str(data_dir),
                              event_store_url=database, bus_url=f"kafka://{kafka}", projection_url=database,
                              token_secret=f"secret-of-office-{region}-{name}-long-enough",
                              topic_prefix=name, hash_key=f"hash-key-of-office-{region}")
            for service in SERVICES}


def start_office(procs: Processes, office: Office) -> dict[str, str]:
    """Every process of one office; returns the APIs' URLs (not yet waited for)."""
    urls = {}
    for service in SERVICES:
        port = free_port()
        procs.start(f"{office.region}-{service}",
                    [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
                     f"services.{service}.wsgi:app"], office.settings[service],
                    {"GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": "/dev/null"})
        urls[service] = f"http://127.0.0.1:{port}"
    procs.module(f"{office.region}-visits-relay", office.settings["visits"], "relay")
    procs.module(f"{office.region}-appraisal-relay", office.settings["appraisal"], "relay")
    procs.module(f"{office.region}-reporting-consume", office.settings["reporting"], "consume")
    return urls


def wait_ready(procs: Processes, offices: list[Office], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for office in offices:
        for service, url in office.urls.items():
            procs.wait_ready(f"{office.region}-{service}", url, timeout=max(1.0, deadline - time.monotonic()))


# --- what each office writes -------------------------------------------------------------------

def write_office(office: Office, visits: int, closed: int, pairing: bool) -> None:
    """An organ and its cadres, `visits` visits (each raising one problem) by them in the office's
    own region, one problem from the questionnaires (appraisal), `closed` problems taken through
    the whole ledger, and perhaps a pairing; the figures written go to `office.written`."""
    region, name = office.region, NAMES[office.region]
    day = today()
    organ = office.post("visits", "/organs", {"name": f"{name}发展和改革委员会", "category": "government",
                                               "region": region}, role="admin")
    leading_rank = "section" if region not in (PROVINCE, CITY) else "county"
    cadres = [office.post("visits", "/cadres", {"organ_id": organ["id"], "name": f"{name}干部{i}", "rank": rank},
                          role="admin")
              for i, rank in enumerate([leading_rank, "clerk", "clerk"])]
    people, funds, problems, visitors = 0, Decimal("0"), [], set()
    for i in range(visits):
        who = [cadres[i % 2]["id"]] + ([cadres[2]["id"]] if i == 0 else [])
        amount = Decimal(1000 + 100 * i + int(region[-2:])).quantize(Decimal("0.01"))
        written = office.post("visits", "/visits", {
            "cadre_ids": who, "region": region, "visited_on": (day - timedelta(days=i + 1)).isoformat(),
            "place_type": "village", "place_name": f"{name}某村{i}", "activities": ["ask_needs", "deliver_service"],
            "people_reached": 10 * (i + 1) + int(region[-1]), "households_reached": i,
            "funds": [{"purpose": "慰问困难户", "amount_yuan": str(amount)}],
            "problems": [{"category": "infrastructure", "description": f"{name}群众反映道路问题{i}"}]})
        people += 10 * (i + 1) + int(region[-1])
        funds += amount
        problems += written["problem_ids"]
        visitors.update(who)
    from_questionnaires = office.post("appraisal", "/problems", {
        "category": "livelihood", "description": f"{name}问卷中群众反映的问题", "region": region})
    problems.append(from_questionnaires["id"])
    for problem_id in problems[:closed]:
        office.post("visits", f"/problems/{problem_id}/referral", {
            "unit_id": f"{region}-unit", "unit_name": f"{name}交通运输局", "responsible_person": "责任人",
            "deadline": (day + timedelta(days=30)).isoformat()}, status=200)
        office.post("visits", f"/problems/{problem_id}/done", {"result": "已修复"}, status=200)
        office.post("visits", f"/problems/{problem_id}/verification", {"satisfied": True}, status=200)
    if pairing:
        office.post("visits", "/pairings", {
            "kind": "cadre_household", "cadre_id": cadres[0]["id"], "partner_name": f"{name}困难户",
            "region": region, "start_on": (day - timedelta(days=10)).isoformat(),
            "end_on": (day + timedelta(days=300)).isoformat(), "required_days": 5})
    office.written = {"visits": visits, "cadres_taking_part": len(visitors), "people_reached": people,
                      "funds_yuan": funds, "problems_raised": len(problems), "problems_closed": closed,
                      "problems_overdue": 0, "pairings_active": int(pairing), "cadres": len(cadres)}


# --- comparing figures -------------------------------------------------------------------------

def additive(figures: dict) -> dict:
    return {k: Decimal(str(figures[k])) if k == "funds_yuan" else figures[k] for k in ADDITIVE}


def total_of(*offices: Office) -> dict:
    return {k: sum((o.written[k] for o in offices), Decimal("0") if k == "funds_yuan" else 0) for k in ADDITIVE}


def settle(offices: dict[str, Office], expected: dict[str, dict], timeout: float) -> dict[str, float]:
    """Polls every office's overview until its totals are what its jurisdiction wrote (bounded);
    returns the seconds each took."""
    started, settled, last = time.monotonic(), {}, {}
    deadline = started + timeout
    while len(settled) < len(offices):
        for region, office in offices.items():
            if region in settled:
                continue
            last[region] = additive(office.report("/reports/overview")["total"])
            if last[region] == expected[region]:
                settled[region] = time.monotonic() - started
        if len(settled) < len(offices):
            if time.monotonic() > deadline:
                pytest.fail(f"reports did not settle in {timeout}s: got {last}, expected {expected}")
            time.sleep(0.5)
    return settled


def lines(table: dict) -> dict[str, dict]:
    return {row["key"]: row for row in table["rows"]}


def headline(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("key", "name")}


# --- the test ------------------------------------------------------------------------------------

@pytest.fixture
def offices(tmp_path, unique_name, mongodb_url, kafka_bootstrap):
    procs = Processes(tmp_path)
    timings = {}
    offices = {}
    for region in (PROVINCE, CITY, ZHANGGONG, RUIJIN):
        settings = office_settings(region, unique_name, mongodb_url, kafka_bootstrap, tmp_path)
        offices[region] = Office(region, settings["visits"].token_secret, settings)
    try:
        t0 = time.monotonic()
        for office in offices.values():
            office.urls = start_office(procs, office)
        wait_ready(procs, list(offices.values()), STARTUP_TIMEOUT)
        timings["start"] = time.monotonic() - t0
        yield offices, procs, timings
    finally:
        procs.stop_all()
        print("\noffices topology timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


def test_each_office_sees_its_jurisdiction_and_figures_roll_up(offices, record_property):
    offices, procs, timings = offices
    province, city, zhanggong, ruijin = (offices[r] for r in (PROVINCE, CITY, ZHANGGONG, RUIJIN))

    t0 = time.monotonic()
    write_office(province, visits=1, closed=0, pairing=False)
    write_office(city, visits=2, closed=1, pairing=True)
    write_office(zhanggong, visits=3, closed=2, pairing=False)
    write_office(ruijin, visits=2, closed=1, pairing=True)
    timings["writes"] = time.monotonic() - t0

    # A county cannot write into another county, even through its own services.
    outside = province.auth("admin")  # a token of another office's secret is no token here
    answer = requests.post(zhanggong.urls["visits"] + "/organs", headers=outside, timeout=30,
                           json={"name": "x", "category": "government", "region": ZHANGGONG})
    assert answer.status_code == 401
    answer = requests.post(zhanggong.urls["visits"] + "/problems", headers=zhanggong.auth("clerk"), timeout=30,
                           json={"category": "livelihood", "description": "越界", "region": RUIJIN})
    assert answer.status_code == 403

    expected = {PROVINCE: total_of(province, city, zhanggong, ruijin), CITY: total_of(city, zhanggong, ruijin),
                ZHANGGONG: total_of(zhanggong), RUIJIN: total_of(ruijin)}
    t0 = time.monotonic()
    per_office = settle(offices, expected, SETTLE_TIMEOUT)
    timings["settle"] = time.monotonic() - t0
    timings.update({f"settled {NAMES[r]}": s for r, s in per_office.items()})
    # Settled means settled: a moment later nothing more has arrived (no event counted twice).
    time.sleep(2)
    for region, office in offices.items():
        assert additive(office.report("/reports/overview")["total"]) == expected[region], region

    own = {r: office.report("/reports/overview") for r, office in offices.items()}

    # --- each county sees itself only ------------------------------------------------------------
    for county, other in ((zhanggong, ruijin), (ruijin, zhanggong)):
        table = own[county.region]
        assert table["region"]["code"] == county.region and table["rows"][0]["key"] == county.region
        assert additive(table["total"]) == additive(county.written)
        # Its instance keeps none of the other county's records…
        rows = county.report("/reports/generations", role="admin")["collections"]
        assert rows["cadres"] == county.written["cadres"] and rows["organs"] == 1
        assert rows["visits"] == county.written["visits"]
        assert rows["problems"] == county.written["problems_raised"]
        organs = county.report("/reports/cadres", by="organ")["rows"]
        assert [r["name"] for r in organs] == [f"{NAMES[county.region]}发展和改革委员会"]
        # …and answers nothing about it, whoever asks.
        county.report("/reports/overview", region=other.region, status=403)
        county.report("/reports/overview", status=401, headers=other.auth("viewer"))
        county.report("/reports/overview", region=other.region, status=403,
                      headers=county.auth("viewer", region=CITY))

    # --- the city: both counties and itself, and nothing of the province --------------------------
    city_table = own[CITY]
    city_lines = lines(city_table)
    assert list(city_lines)[0] == CITY and city_lines[CITY]["name"] == "赣州市本级"
    assert additive(city_lines[CITY]) == additive(city.written)
    for county in (zhanggong, ruijin):
        # The city's line for a county is exactly what the county's own instance shows.
        assert headline(city_lines[county.region]) == headline(own[county.region]["total"]), county.region
        assert headline(city.report("/reports/overview", region=county.region)["total"]) == \
            headline(own[county.region]["total"])
    for code, row in city_lines.items():
        if code not in (CITY, ZHANGGONG, RUIJIN):
            assert all(not row[k] for k in ADDITIVE if k != "funds_yuan") and Decimal(str(row["funds_yuan"])) == 0, code
    # The city's figures are the sums of its parts.
    assert additive(city_table["total"]) == {
        k: sum((additive(row)[k] for row in city_lines.values()), Decimal("0") if k == "funds_yuan" else 0)
        for k in ADDITIVE}
    assert additive(city_table["total"]) == total_of(city, zhanggong, ruijin)
    assert city.report("/reports/generations", role="admin")["collections"]["cadres"] == \
        sum(o.written["cadres"] for o in (city, zhanggong, ruijin))
    city.report("/reports/overview", region=PROVINCE, status=403, headers=city.auth("viewer", region=PROVINCE))

    # --- the province: everything ------------------------------------------------------------------
    province_table = own[PROVINCE]
    province_lines = lines(province_table)
    assert list(province_lines)[0] == PROVINCE and province_lines[PROVINCE]["name"] == "江西省本级"
    assert additive(province_lines[PROVINCE]) == additive(province.written)
    assert headline(province_lines[CITY]) == headline(city_table["total"])
    assert additive(province_table["total"]) == {
        k: additive(province_lines[PROVINCE])[k] + additive(province_lines[CITY])[k] for k in ADDITIVE}
    assert additive(province_table["total"]) == total_of(province, city, zhanggong, ruijin)
    # Drilling down from the province reaches the same figures as the lower offices' own instances.
    drilled = province.report("/reports/overview", region=CITY)
    assert headline(drilled["total"]) == headline(city_table["total"])
    assert [headline(r) for r in drilled["rows"]] == [headline(r) for r in city_table["rows"]]
    for county in (zhanggong, ruijin):
        assert headline(province.report("/reports/overview", region=county.region)["total"]) == \
            headline(own[county.region]["total"])
    assert province.report("/reports/generations", role="admin")["collections"]["cadres"] == \
        sum(o.written["cadres"] for o in offices.values())

    # The ledger and visits tables agree with the overview at every level.
    for region, office in offices.items():
        problems = office.report("/reports/problems")["total"]
        assert problems["raised"] == expected[region]["problems_raised"]
        assert problems["closed"] == expected[region]["problems_closed"]
        assert office.report("/reports/visits")["total"]["visits"] == expected[region]["visits"]

    for name, seconds in timings.items():
        record_property(f"seconds {name}", round(seconds, 1))
