"""From the dashboard to where the office acts, in a real browser: from the overdue list to the
problem's card on the ledger page, and from an appraisal campaign's ranking to its rectification.

A city office (赣州市, 360700) runs its visits and appraisal services and its reporting instance
with their public addresses configured (SHUANGWAN_PUBLIC_URLS); a county office (章贡区, 360702)
runs its own visits service on the same bus. Each raises an overdue problem in the county. The
city's dashboard lists both, and links only its own to its ledger page, where the office takes the
next step on it. The city runs a campaign; each organ in its ranking links to the campaign's
rectification form, where the office puts a low-rated dimension on the ledger.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from shared.clock import today
from tests.backends import Backend, token
from tests.browser.dashboard_support import DESK, bearer, settle
from tests.browser.office_support import open_step, send_step
from tests.browser.support import ARTIFACTS, TARGETS, Console, Office, audit, new_page, screenshot
from tests.processes import Processes, free_port
from tests.reliability.support import wait_until

CITY, COUNTY = "360700", "360702"


def overdue_problem(url: str, office: str, description: str) -> dict:
    """A problem raised by `office` 40 days ago in the county and referred with a deadline 10 days ago."""
    clerk = token(office, "clerk", subject="ledger-clerk")
    raised = requests.post(url + "/problems", headers=clerk, timeout=30, json={
        "category": "infrastructure", "description": description, "region": COUNTY,
        "on": (today() - timedelta(days=40)).isoformat()})
    assert raised.status_code == 201, raised.text
    problem = raised.json()
    referred = requests.post(f"{url}/problems/{problem['id']}/referral", headers=clerk, timeout=30, json={
        "version": problem["version"], "unit_id": "unit-roads", "unit_name": "章贡区交通运输局",
        "responsible_person": "刘强", "deadline": (today() - timedelta(days=10)).isoformat(),
        "on": (today() - timedelta(days=39)).isoformat()})
    assert referred.status_code == 200, referred.text
    return referred.json()


def report(reporting: str, path: str) -> dict:
    """A report of the city's reporting instance, as its viewer."""
    answer = requests.get(f"{reporting}/reports/{path}", headers=token(CITY, "viewer"), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def dashboard(page, urls: dict) -> None:
    """The city's dashboard, signed in as its admin."""
    page.goto(urls["reporting"] + "/dashboard/")
    page.get_by_label("访问令牌").fill(bearer(CITY))
    settle(page, lambda: page.locator("#sign-in-form").get_by_role("button", name="登录").click())


def follow(page, link):
    """The page a link opens in a new tab."""
    with page.context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    return opened.value


def signed_in(page, role: str = "clerk") -> None:
    """Another address, so another sign-in (the token stays within its tab and origin)."""
    page.fill("#token-input", token(CITY, role, subject=f"city-{role}")["Authorization"].split(" ", 1)[1])
    page.click("#sign-in-form button[type=submit]")


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ledger-links")
    backend, processes = Backend("embedded", "ledger-links", tmp), Processes(tmp)
    ports = {"visits": free_port(), "appraisal": free_port(), "reporting": free_port()}
    public = {service: f"http://127.0.0.1:{port}/" for service, port in ports.items()}
    try:
        city_visits = backend.settings("visits", office_region=CITY, public_urls=public)
        county_visits = backend.settings("visits", office_region=COUNTY,
                                         event_store_url=f"sqlite:///{tmp}/visits-{COUNTY}-events.db")
        appraisal = backend.settings("appraisal", office_region=CITY, public_urls=public)
        reporting = backend.settings("reporting", office_region=CITY, public_urls=public)
        urls = {"visits": processes.api("visits", city_visits, port=ports["visits"]),
                "county": processes.api("county-visits", county_visits),
                "appraisal": processes.api("appraisal", appraisal, port=ports["appraisal"]),
                "reporting": processes.api("reporting", reporting, port=ports["reporting"])}
        for name, settings in (("visits-relay", city_visits), ("county-relay", county_visits),
                               ("appraisal-relay", appraisal)):
            processes.module(name, settings, "relay")
        processes.module("reporting-consumer", reporting, "consume")
        own = overdue_problem(urls["visits"], CITY, "城区主干道路灯损坏，夜间出行不便")
        theirs = overdue_problem(urls["county"], COUNTY, "社区排水沟堵塞，雨天积水")
        campaign = Office(urls["appraisal"]).open_campaign(title="2026年度市直机关群众评机关")
        # (until the city's reporting instance has them, relayed and consumed)
        wait_until(lambda: {r["key"] for r in report(urls["reporting"], "problems/overdue")["rows"]} ==
                   {own["id"], theirs["id"]}, 120, "both problems listed overdue")
        wait_until(lambda: any(r["key"] == campaign and r["status"] == "open"
                               for r in report(urls["reporting"], "appraisal/campaigns")["rows"]),
                   120, "the campaign listed open")
        yield urls, own, theirs, campaign
    finally:
        processes.stop_all()


def test_an_overdue_problem_of_the_office_opens_on_its_ledger_page(offices, chromium):
    urls, own, theirs, _ = offices
    with new_page(chromium, DESK, 20000) as page:
        console = Console(page)
        dashboard(page, urls)
        rows = page.locator("#table-overdue tbody tr")
        expect(rows).to_have_count(2)
        link = page.locator(f'#table-overdue tr[data-key="{own["id"]}"] .col-number a')
        expect(link).to_have_text(own["number"])
        assert link.get_attribute("href") == f"{urls['visits']}/office/problems?problem={own['id']}"
        assert link.get_attribute("target") == "_blank"
        # the county's own service keeps the other: the city's dashboard does not send the city there
        expect(page.locator(f'#table-overdue tr[data-key="{theirs["id"]}"] .col-number')).to_have_text(theirs["number"])
        expect(page.locator(f'#table-overdue tr[data-key="{theirs["id"]}"] .col-number a')).to_have_count(0)
        expect(page.locator("#overdue-sub")).to_be_visible()
        audit(page)
        page.locator("#overdue-card").screenshot(path=str(ARTIFACTS / "dashboard-overdue-links.png"))

        ledger = follow(page, link)
        ledger_console = Console(ledger)
        signed_in(ledger)
        cards = ledger.locator("#problems > li")
        expect(cards).to_have_count(1)
        card = cards.first
        expect(card.get_by_role("heading", level=2)).to_contain_text(own["number"])
        expect(card.locator(".badge.overdue")).to_have_text("逾期")
        expect(ledger.locator("#filters")).to_be_hidden()
        expect(ledger.locator(".pager")).to_be_hidden()
        audit(ledger)
        screenshot(ledger, "office-problem-from-dashboard")

        open_step(card, "办理进展")
        card.get_by_label("进展情况").fill("已更换路灯12盏，正在排查线路")
        send_step(card)
        card = ledger.locator("#problems > li").first
        expect(card.get_by_role("status")).to_have_text("办理进展已保存。")
        expect(card.get_by_role("heading", level=2)).to_contain_text("办理中")

        # and back to the whole ledger: the filters and the city's problems
        ledger.get_by_role("link", name="查看全部问题").click()
        expect(ledger.locator("#filters")).to_be_visible()
        expect(ledger.locator("#problems > li")).to_have_count(1)
        expect(ledger.locator("#summary")).to_contain_text("共 1 个问题")
        ledger_console.assert_clean()
        console.assert_clean()


def test_a_problem_the_ledger_does_not_keep_is_said_so(offices, chromium):
    urls, own, theirs, _ = offices
    with new_page(chromium, DESK, 20000) as page:
        console = Console(page)
        page.goto(f"{urls['visits']}/office/problems?problem={theirs['id']}")
        signed_in(page)
        expect(page.locator("#list-error")).to_have_text("本系统中没有这条记录（可能由其他办公室的系统登记办理）。")
        expect(page.locator("#problems > li")).to_have_count(0)
        expect(page.get_by_role("link", name="查看全部问题")).to_be_visible()
        console.assert_clean(404)


def test_an_organ_in_the_ranking_opens_the_campaigns_rectification_form(offices, chromium):
    urls, _, _, campaign = offices
    organ = TARGETS[1]  # 章贡区人民法院
    with new_page(chromium, DESK, 20000) as page:
        console = Console(page)
        dashboard(page, urls)
        link = page.locator(f'#table-organs tr[data-key="{organ["organ_id"]}"] .col-name a')
        expect(link).to_have_text(organ["name"])
        assert link.get_attribute("href") == \
            f"{urls['appraisal']}/office/campaigns?campaign={campaign}&organ={organ['organ_id']}"
        expect(page.locator("#table-organs tbody tr .col-name a")).to_have_count(len(TARGETS))
        expect(page.locator("#organs-sub")).to_be_visible()

        office = follow(page, link)
        office_console = Console(office)
        signed_in(office, "admin")  # (whose page would show the draft form too)
        cards = office.locator("#campaigns > li")
        expect(cards).to_have_count(1)
        form = cards.first.locator("form.step")
        expect(form.locator("select[data-name=organ_id]")).to_have_value(organ["organ_id"])
        expect(office.locator("#filters")).to_be_hidden()
        expect(office.locator("#draft")).to_be_hidden()
        form.locator("select[data-name=dimension]").select_option("service_attitude")
        form.locator("select[data-name=category]").select_option("service")
        form.locator("textarea[data-name=description]").fill("立案窗口服务态度生硬，群众评价偏低")
        audit(office)
        form.locator("button[type=submit]").click()
        expect(cards.first.get_by_role("status")).to_contain_text("已登记为问题")
        problems = requests.get(f"{urls['appraisal']}/problems?source_ref_prefix={campaign}/", timeout=30,
                                headers=token(CITY, "viewer")).json()["items"]
        assert [(p["source_ref"], p["organ_id"]) for p in problems] == [
            (f"{campaign}/{organ['organ_id']}/service_attitude", organ["organ_id"])]
        office_console.assert_clean()
        console.assert_clean()
