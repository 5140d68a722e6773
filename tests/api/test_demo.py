"""The demo generator (shared/demo.py) on the embedded backend, through the services' Flask apps:
what it says it wrote is what the APIs list back, every kind of record is there, and a seed always
writes the same campaign."""
from datetime import date, timedelta

import pytest

from services.appraisal.app import create_app as appraisal_app
from services.visits.app import create_app as visits_app
from shared.clock import today
from shared.contracts.appraisal import ORGAN_CATEGORIES, RESPONDENT_CATEGORIES
from shared.contracts.visits import ACTIVITIES, PAIRING_KINDS, PLACE_TYPES, RANKS
from shared.demo import DemoError, FlaskClients, generate
from shared.ledger.problem import STATUSES
from tests.backends import SECRET, Backend, token

SCALE = 0.1
CITY_ADMIN = token("360700", "admin", subject="reader")


def clients_on(backend: Backend) -> FlaskClients:
    # The apps' office region does not restrict writes: the generator's tokens do.
    return FlaskClients({"visits": visits_app(backend.settings("visits", office_region="360000")),
                         "appraisal": appraisal_app(backend.settings("appraisal", office_region="360000"))}, SECRET)


class Reader:
    def __init__(self, clients: FlaskClients):
        self.clients = clients.clients

    def get(self, service: str, path: str) -> dict:
        response = self.clients[service].get(path, headers=CITY_ADMIN)
        assert response.status_code == 200, (path, response.json)
        return response.json

    def total(self, service: str, path: str) -> int:
        return self.get(service, path + ("&" if "?" in path else "?") + "page_size=1")["total"]

    def everything(self, service: str, path: str) -> list[dict]:
        items, page = [], 1
        while True:
            got = self.get(service, f"{path}{'&' if '?' in path else '?'}page_size=500&page={page}")
            items += got["items"]
            if len(items) >= got["total"]:
                return items
            page += 1


def test_what_the_demo_says_it_wrote_is_what_the_apis_list(embedded):
    clients = clients_on(embedded)
    summary = generate(clients, seed=2010, scale=SCALE)
    api = Reader(clients)
    start, end = date.fromisoformat(summary["from"]), date.fromisoformat(summary["to"])
    assert end == today() and (end - start).days == 12 * 7 - 1

    # Organs of all eight categories at city and county level, in the city and all 18 counties.
    assert api.total("visits", "/organs") == summary["organs"]
    assert api.total("visits", "/organs?tier=city") == summary["city_organs"]
    for category in ORGAN_CATEGORIES:
        for tier in ("city", "county"):
            assert api.total("visits", f"/organs?category={category}&tier={tier}") > 0, (category, tier)
    assert {o["region"] for o in api.everything("visits", "/organs?tier=county")} == \
        {c for c in ("360702 360703 360704 360722 360723 360724 360725 360726 360728 360729 360730 360731 "
                     "360732 360733 360734 360735 360781 360783").split()}

    # Cadres of every rank; the leading flag as the service derives it.
    assert api.total("visits", "/cadres") == summary["cadres"]
    assert api.total("visits", "/cadres?leading=true") == summary["leading_cadres"]
    for rank in RANKS:
        assert api.total("visits", f"/cadres?rank={rank}") > 0, rank

    # Visits: every place type and activity, all within the twelve weeks, none in the future.
    assert api.total("visits", "/visits") == summary["visits"] > 0
    assert api.total("visits", f"/visits?from={start}&to={end}") == summary["visits"]
    assert api.total("visits", "/visits?status=cancelled") == summary["visits_cancelled"] > 0
    for place_type in PLACE_TYPES:
        assert api.total("visits", f"/visits?place_type={place_type}") > 0, place_type
    for activity in ACTIVITIES:
        assert api.total("visits", f"/visits?activity={activity}") > 0, activity
    visits = api.everything("visits", "/visits")
    assert sum(float(v["funds_total_yuan"]) > 0 for v in visits) and sum(v["items_total"] > 0 for v in visits)
    assert sum(bool(v["services"]) for v in visits) and sum(bool(v["policy_sessions"]) for v in visits)
    assert sum(len(v["problem_ids"]) for v in visits) == summary["problems"]

    # The ledger: every status, overdue, returned, reopened and long-term items; dates in order, none future.
    for status in STATUSES:
        assert api.total("visits", f"/problems?status={status}") == summary["problems_by_status"][status] > 0, status
    assert api.total("visits", "/problems?overdue=true") == summary["problems_overdue"] > 0
    problems = api.everything("visits", "/problems")
    assert len(problems) == summary["problems"]
    assert sum(p["reopen_count"] > 0 for p in problems) == summary["problems_reopened"] > 0
    assert sum(any(h["action"] == "returned" for h in p["history"]) for p in problems) == \
        summary["problems_returned"] > 0
    assert sum(p["long_term"] for p in problems) == summary["problems_long_term"] > 0
    assert any(p["long_term"] and p["promised_date"] and p["status"] != "closed" and not p["overdue"]
               for p in problems)
    for problem in problems:
        days = [h["on"] for h in problem["history"]]
        assert days == sorted(days) and start.isoformat() <= days[0] and days[-1] <= end.isoformat()
        if problem["overdue"]:
            assert problem["status"] != "closed" and (problem["promised_date"] or problem["deadline"]) < str(end)

    # Research reports by part of the leading cadres; construction points with and without 三个一.
    assert api.total("visits", "/reports") == summary["reports"] > 0
    completion = api.get("visits", "/reports/completion?page_size=1")
    assert 0 < completion["submitted_total"] < completion["leading_total"] == summary["leading_cadres"]
    assert api.total("visits", "/points") == summary["points"]
    assert api.total("visits", "/points?compliant=true") == summary["points_compliant"] > 0
    assert api.total("visits", "/points?compliant=false") > 0

    # Pairings of every kind, some ended; good practices in every state.
    assert api.total("visits", "/pairings") == summary["pairings"]
    assert api.total("visits", "/pairings?status=ended") == summary["pairings_ended"] > 0
    assert sorted(summary["pairings_by_kind"]) == sorted(PAIRING_KINDS)
    for kind, count in summary["pairings_by_kind"].items():
        assert api.total("visits", f"/pairings?kind={kind}") == count > 0, kind
    for status, count in summary["practices"].items():
        assert api.total("visits", f"/practices?status={status}") == count > 0, status
    # Report meetings on advanced examples, in the city and its counties; one recorded twice, cancelled.
    assert api.total("visits", "/meetings?status=held") == summary["meetings"] >= 3
    assert api.total("visits", "/meetings?status=cancelled") == summary["meetings_cancelled"] == 1

    # The appraisal campaign: open, targets of all eight categories, all twelve respondent
    # categories (unweighted) answered, invitation and paper batches, one over-returned.
    [campaign] = api.get("appraisal", "/campaigns?status=open")["items"]
    assert summary["campaign_status"] == "open" and not campaign["sealed"]
    assert len(campaign["targets"]) == summary["targets"]
    assert {t["category"] for t in campaign["targets"]} == set(ORGAN_CATEGORIES)
    assert {g["category"] for g in campaign["respondent_categories"]} == set(RESPONDENT_CATEGORIES)
    assert all(g["weight"] is None and g["quota"] for g in campaign["respondent_categories"])
    batches = api.get("appraisal", f"/campaigns/{campaign['id']}/batches")["items"]
    kinds = [b["batch_kind"] for b in batches]
    assert kinds.count("invitation") == summary["batches"]["invitation"] > 0
    assert kinds.count("paper") == summary["batches"]["paper"] > 0
    returned = {c: sum(b["returned"] for b in batches if b["respondent_category"] == c) for c in RESPONDENT_CATEGORIES}
    assert returned == summary["responses_by_category"] and all(returned.values())
    assert sum(returned.values()) == summary["responses"]
    assert sum(b["over_returned"] for b in batches) == 1
    assert 0 < summary["ratings_unknown"] < summary["ratings"] / 2

    # Online opinions, about organs and in general, one hidden; a couple turned into rectifications.
    opinions = api.everything("appraisal", f"/campaigns/{campaign['id']}/opinions")
    assert len(opinions) == summary["opinions"]
    assert sum(o["hidden"] for o in opinions) == summary["opinions_hidden"] == 1
    assert any(o["organ_id"] for o in opinions) and any(o["organ_id"] is None for o in opinions)
    rectifications = api.everything("appraisal", "/problems")
    assert len(rectifications) == summary["rectifications"] >= 2
    assert {p["source"] for p in rectifications} == {"opinion", "questionnaire"}


def test_a_seed_always_writes_the_same_campaign(embedded, tmp_path, unique_name):
    second = Backend("embedded", unique_name + "b", tmp_path / "second")
    (tmp_path / "second").mkdir()
    day = today()
    first_summary = generate(clients_on(embedded), seed=7, scale=SCALE, weeks=8, today=day)
    assert generate(clients_on(second), seed=7, scale=SCALE, weeks=8, today=day) == first_summary
    assert first_summary["from"] == str(day - timedelta(days=8 * 7 - 1))


def test_a_rejected_write_raises_with_the_services_answer(embedded):
    clients = clients_on(embedded)
    with pytest.raises(DemoError) as raised:
        clients.request("visits", "POST", "/organs", json={"name": "赣州市发展和改革委员会", "category": "nope",
                                                           "region": "360700"},
                        headers=clients.auth("360700", "admin", "tester"))
    assert raised.value.status == 422 and raised.value.body["error"]["fields"]["category"]
    assert "422" in str(raised.value) and "category" in str(raised.value)
    with pytest.raises(ValueError):
        generate(clients, today=today() + timedelta(days=1))
