"""The offices' forms as served (shared/web/office): which pages a service serves, the code tables
the pages read being the ones the API validates against, and the links to the other services'
pages where their addresses are configured."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from shared.contracts.appraisal import (CAMPAIGN_STATUSES, DIMENSIONS, LEVELS, OPINION_FLAGS, ORGAN_CATEGORIES,
                                        OVER_LIMIT_ACTIONS, RESPONDENT_CATEGORIES)
from shared.contracts.visits import ACTIVITIES, PAIRING_KINDS, PLACE_TYPES, PUBLISH_CHANNELS, RANKS
from shared.ledger.events import CATEGORIES, SOURCES
from shared import config
from shared.ledger.problem import STATUSES
from shared.web import office
from shared.web.app import TEMPLATES


def app_with(pages, links=()) -> Flask:
    """An app serving only the office pages, with the templates every service's app shares."""
    app = Flask("office", template_folder=str(TEMPLATES))
    app.register_blueprint(office.blueprint(pages, links))
    return app


def client(*pages: str):
    return app_with(pages).test_client()


VISITS, APPRAISAL = office.SERVICE_PAGES["visits"], office.SERVICE_PAGES["appraisal"]


def test_a_service_serves_its_pages_and_no_other():
    visits, appraisal = client(*VISITS), client(*APPRAISAL)
    for http, served in ((visits, VISITS), (appraisal, APPRAISAL)):
        for name in office.PAGE_NAMES:
            answer = http.get(f"/office/{name}")
            assert answer.status_code == (200 if name in served else 404), name
            if name in served:
                assert answer.mimetype == "text/html" and f'data-page="{name}"'.encode() in answer.data
                links = re.findall(rb'<a href="(\w+)"', answer.data.split(b'class="pages"')[1].split(b"</nav>")[0])
                assert [link.decode() for link in links] == list(served), name  # the menu: this service's pages
    assert visits.get("/office/").headers["Location"].endswith("/office/visit")
    assert appraisal.get("/office/").headers["Location"].endswith("/office/paper")
    for name in VISITS:
        assert visits.get(f"/office/assets/{name}.js").status_code == 200


def test_the_pages_name_every_code_the_api_accepts():
    terms = client(*APPRAISAL).get("/office/terms.json").get_json()
    assert terms["organs"] is False
    assert (terms["place_types"], terms["activities"], terms["problem_categories"], terms["respondent_categories"],
            terms["opinion_flags"]) == (PLACE_TYPES, ACTIVITIES, CATEGORIES, RESPONDENT_CATEGORIES, OPINION_FLAGS)
    assert (terms["pairing_kinds"], terms["publish_channels"]) == (PAIRING_KINDS, PUBLISH_CHANNELS)
    assert (terms["organ_categories"], terms["campaign_statuses"], terms["ranks"], terms["dimensions"], terms["levels"],
            terms["over_limit_actions"]) == (ORGAN_CATEGORIES, CAMPAIGN_STATUSES, RANKS, DIMENSIONS, LEVELS, OVER_LIMIT_ACTIONS)
    assert set(terms["problem_statuses"]) == set(STATUSES)
    assert set(terms["problem_sources"]) == set(SOURCES)
    regions = {r["code"]: r for r in terms["regions"]}
    assert regions["360702"] == {"code": "360702", "name": "章贡区", "tier": "county", "parent": "360700"}
    assert client(*VISITS).get("/office/terms.json").get_json()["organs"] is True


def test_an_unknown_page_is_a_mistake_at_start():
    with pytest.raises(ValueError, match="dashboard"):
        office.blueprint(("problems", "dashboard"))


def test_the_other_services_pages_are_linked_where_their_addresses_are_configured(monkeypatch):
    monkeypatch.setenv("SHUANGWAN_PUBLIC_URLS", "visits=https://gz.example/visits, reporting=https://gz.example/reporting/")
    urls = config.load("appraisal").public_urls
    assert urls == {"visits": "https://gz.example/visits/", "reporting": "https://gz.example/reporting/"}
    links = office.elsewhere("appraisal", urls)
    assert links == [("下基层走访", "https://gz.example/visits/office/"), ("数据看板", "https://gz.example/reporting/dashboard/")]
    html = app_with(APPRAISAL, links).test_client().get("/office/paper").data.decode()
    assert '<a href="https://gz.example/visits/office/">下基层走访 ›</a>' in html
    assert '<a href="https://gz.example/reporting/dashboard/">数据看板 ›</a>' in html
    assert "其他系统" not in client(*APPRAISAL).get("/office/paper").data.decode()  # none configured, none shown
    # the dashboard's links to a problem or a campaign: the write services whose addresses are configured
    assert office.office_pages(urls) == {"visits": "https://gz.example/visits/office/"}


@pytest.mark.parametrize("text, wrong", [("mail=https://x/", "not a web service"), ("visits=ftp://x/", "http:// or https://")])
def test_a_wrong_public_address_stops_the_service_at_start(monkeypatch, text, wrong):
    monkeypatch.setenv("SHUANGWAN_PUBLIC_URLS", text)
    with pytest.raises(ValueError, match=wrong):
        config.load("visits")
