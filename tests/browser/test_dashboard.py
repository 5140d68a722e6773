"""The offices' dashboard (`/dashboard/` of the reporting service) in a real browser.

The whole system runs as real processes on the embedded backend (see dashboard_support.py), with
the seeded demo campaign written through the services' APIs. In Debian's Chromium an office signs
in with its token, and every figure the page shows is checked against what the reporting API
answers for the same region and period: headline figures, the drill-down province → city → county,
charts drawn, exports downloaded, the overdue list. No console error, no CSP violation.
Screenshots go to test-artifacts/browser/dashboard-*.png.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.backends import Backend
from tests.browser.dashboard_support import (CITY, DESK, PAINTED, PROVINCE, TOKEN_KEY, Console, System, bearer,
                                             cells, kpi, last_weeks, load_demo, overall_satisfaction, painted,
                                             screenshot, settle, shown, start, wait_for_figures)
from tests.browser.support import new_page
from tests.processes import Processes

COUNTY = "360728"  # 定南县: visits, problems and an overdue problem in the demo
CHARTS = ["chart-coverage", "chart-weekly", "chart-funnel", "chart-heatmap", "chart-ranking"]
STRICT_CSP = ("script-src 'self'", "style-src 'self'")
MIN_PAINTED = 600  # sampled painted pixels of a chart with data (a lone "暂无数据" paints ~200)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """The services, relays and the province's reporting instance, with the demo loaded and consumed."""
    tmp = tmp_path_factory.mktemp("dashboard")
    processes = Processes(tmp)
    try:
        urls = start(processes, Backend("embedded", "dashboard", tmp))
        found = System(urls, load_demo(urls))
        wait_for_figures(found, processes)
        yield found
    finally:
        processes.stop_all()


@pytest.fixture
def desk(chromium):
    """A fresh desktop-sized browser context and its page."""
    with new_page(chromium, DESK, 20000) as page:
        yield page


@pytest.fixture
def console(desk) -> Console:
    return Console(desk)


def sign_in(page, system: System, raw_token: str) -> None:
    response = page.goto(system.dashboard)
    policy = response.headers.get("content-security-policy", "")
    assert all(p in policy for p in STRICT_CSP) and "unsafe-inline" not in policy, policy
    expect(page.get_by_role("heading", level=1)).to_have_text("双万活动数据看板")
    expect(page.locator("#sign-in")).to_be_visible()
    page.get_by_label("访问令牌").fill(raw_token)
    settle(page, lambda: page.locator("#sign-in-form").get_by_role("button", name="登录").click())
    expect(page.locator("#board")).to_be_visible()


def assert_headlines(page, system: System, region: str, caller: str = PROVINCE, **period) -> dict:
    """The headline figures on the page equal the reporting API's for `region` and period."""
    overview = system.api("overview", caller, region=region, **period)
    kinds = {c["key"]: c["kind"] for c in overview["columns"]}
    for key, value in overview["total"].items():
        assert kpi(page, key) == shown(value, kinds[key]), (region, key, value)
    assert page.locator("#region-title").text_content() == overview["region"]["name"]
    return overview


def assert_drill_rows(page, system: System, overview: dict) -> None:
    """Each line of the drill-down table shows the API's figures for that line."""
    columns = [c for c in overview["columns"] if c["key"] != "key"]
    for row in overview["rows"]:
        assert cells(page, "table-overview", row["key"]) == [shown(row[c["key"]], c["kind"]) for c in columns], row


def assert_charts_drawn(page) -> None:
    for chart in CHARTS:
        page.wait_for_function(f"(id) => ({PAINTED})(id) > {MIN_PAINTED}", arg=chart, timeout=15000)
        assert painted(page, chart) > MIN_PAINTED, chart


def assert_overdue(page, system: System, region: str) -> None:
    overdue = system.api("problems/overdue", region=region)
    numbers = page.locator("#table-overdue tbody tr .col-number").all_text_contents()
    assert numbers == [r["number"] for r in overdue["rows"]]
    for row in overdue["rows"]:
        assert cells(page, "table-overdue", row["key"]) == [shown(row[c["key"]], c["kind"]) for c in overdue["columns"]]
    expect(page.locator("#overdue-count")).to_contain_text(f"{len(overdue['rows'])} 个")


def assert_learning(page, system: System, region: str) -> None:
    """Good practices and report meetings (先进典型报告会) per drill-down line, as the API counts them;
    the demo has some of each."""
    practices, meetings = system.api("practices", region=region), system.api("meetings", region=region)
    assert meetings["total"]["meetings"] == system.summary["meetings"] > 0
    assert practices["total"]["submitted"] == sum(system.summary["practices"].values())
    for table_id, table in (("table-practices", practices), ("table-meetings", meetings)):
        columns = [c for c in table["columns"] if c["key"] != "key"]
        for row in table["rows"]:
            assert cells(page, table_id, row["key"]) == [shown(row[c["key"]], c["kind"]) for c in columns], row
        total = page.locator(f"#{table_id} tfoot td").all_text_contents()
        assert total == [shown(table["total"][c["key"]], c["kind"]) for c in columns[1:]]


def test_province_office_signs_in_drills_down_to_a_county_and_exports(system, desk, console, tmp_path):
    page = desk
    raw = bearer(PROVINCE)
    sent = []
    page.on("request", lambda r: sent.append((r.url, r.headers.get("authorization"))) if "/reports/" in r.url else None)

    sign_in(page, system, raw)
    # The token stays in the tab's sessionStorage and travels only in the Authorization header.
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") == raw
    assert sent and all(auth == "Bearer " + raw for _, auth in sent)
    assert not any(raw in url for url, _ in sent) and raw not in page.url

    # The province: headline figures, the drill-down lines, the appraisal figures of its campaign.
    overview = assert_headlines(page, system, PROVINCE)
    assert_drill_rows(page, system, overview)
    campaign = system.api("appraisal/campaigns")["rows"][0]
    assert page.locator("#campaign").input_value() == campaign["key"]
    assert kpi(page, "campaign_responses") == shown(campaign["responses"], "int") == shown(system.summary["responses"], "int")
    assert kpi(page, "campaign_response_rate") == shown(campaign["response_rate"], "rate")
    dimensions = system.api(f"appraisal/{campaign['key']}/dimensions", region=campaign["region"])
    assert kpi(page, "satisfaction") == shown(overall_satisfaction(dimensions), "rate")
    assert_charts_drawn(page)
    expect(page.locator("#breadcrumb")).to_have_text("江西省")
    screenshot(page, "1-province")

    # Into the city by its link, then into a county by clicking its row.
    settle(page, lambda: page.locator("#table-overview").get_by_role("link", name="赣州市", exact=True).click())
    city = assert_headlines(page, system, CITY)
    assert_drill_rows(page, system, city)
    expect(page.locator("#breadcrumb li")).to_have_text(["江西省", "赣州市"])
    assert len(city["rows"]) == 19  # 本级 and 18 county-level units
    assert_charts_drawn(page)
    assert_overdue(page, system, CITY)
    assert_learning(page, system, CITY)
    screenshot(page, "2-city")

    settle(page, lambda: page.locator(f'#table-overview tr[data-key="{COUNTY}"] td').first.click())
    county = assert_headlines(page, system, COUNTY)
    assert county["total"]["visits"] > 0 and county["total"]["problems_overdue"] > 0
    expect(page.locator("#breadcrumb li")).to_have_text(["江西省", "赣州市", "定南县"])
    expect(page.locator("#regions-sub")).to_have_text("已是最低一级地区。")
    assert_drill_rows(page, system, county)
    assert_overdue(page, system, COUNTY)
    problems = system.api("problems", region=COUNTY)["total"]
    assert cells(page, "table-problems", COUNTY)[1:4] == [shown(problems[k], "int") for k in ("raised", "assigned", "closed")]
    assert_charts_drawn(page)
    # The ranking marks what the API flags: the bottom of each category and scores of low n.
    organs = system.api(f"appraisal/{campaign['key']}/organs", region=campaign["region"])
    for row in organs["rows"]:
        badges = page.locator(f'#table-organs tr[data-key="{row["key"]}"] .badge').all_text_contents()
        assert badges == [b for b, on in (("末位", row["bottom"]), ("样本不足", row["low_n"])) if on], row
    assert any(r["bottom"] for r in organs["rows"])
    screenshot(page, "3-county")

    # Exports: the county's overview as Excel and its overdue list as CSV, fetched with the token.
    with page.expect_download() as caught:
        page.locator('[data-export="overview"] button[data-format="xlsx"]').click()
    download = caught.value
    assert download.suggested_filename == f"双万活动总览-{COUNTY}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("地区代码", "地区", "走访次数")
    assert rows[-1][0] == "合计" and rows[-1][2] == county["total"]["visits"]
    with page.expect_download() as caught:
        page.locator('[data-export="overdue"] button[data-format="csv"]').click()
    csv_download = caught.value
    assert csv_download.suggested_filename == f"逾期问题-{COUNTY}.csv"
    text = open(csv_download.path(), "rb").read()
    assert text.startswith(b"\xef\xbb\xbf") and "问题编号" in text.decode("utf-8-sig")
    expect(page.locator("#status")).to_contain_text("已导出")
    assert all(auth == "Bearer " + raw for _, auth in sent) and not any(raw in url for url, _ in sent)

    # Back up by the breadcrumb.
    settle(page, lambda: page.locator("#breadcrumb").get_by_role("link", name="江西省").click())
    assert_headlines(page, system, PROVINCE)
    console.assert_clean()


def test_city_office_chooses_a_period_and_a_campaign(system, desk, console):
    page = desk
    sign_in(page, system, bearer(CITY, "viewer", "city-viewer"))
    # A city's office lands on its own city (the instance serves the province).
    expect(page.locator("#breadcrumb")).to_have_text("赣州市")
    assert_headlines(page, system, CITY, caller=CITY)

    # The last four weeks (ISO weeks, CST): figures, and a weekly chart of at most four weeks.
    settle(page, lambda: page.get_by_label("统计时段").select_option("4"))
    start, end = last_weeks(4)
    assert page.get_by_label("开始日期").input_value() == start and page.get_by_label("结束日期").input_value() == end
    overview = assert_headlines(page, system, CITY, caller=CITY, **{"from": start, "to": end})
    assert overview["total"]["visits"] < system.api("overview", CITY, region=CITY)["total"]["visits"]
    weeks = system.api("visits/weekly", CITY, region=CITY, **{"from": start, "to": end})["rows"]
    assert 1 <= len(weeks) <= 4
    assert page.locator("#table-weekly tbody tr").count() == len(weeks)
    expect(page.locator("#period-text")).to_contain_text(f"{start} 至 {end}")
    campaign = system.api("appraisal/campaigns", CITY)["rows"][0]
    scored = system.api(f"appraisal/{campaign['key']}/organs", CITY, region=campaign["region"], **{"from": start, "to": end})
    assert kpi(page, "campaign_responses") == shown(scored["campaign"]["responses"], "int")
    assert kpi(page, "campaign_response_rate") == shown(scored["campaign"]["response_rate"], "rate")
    assert_charts_drawn(page)
    screenshot(page, "4-city-last-4-weeks")

    # Chosen dates.
    page.get_by_label("统计时段").select_option("custom")
    page.get_by_label("开始日期").fill(system.summary["from"])
    page.get_by_label("结束日期").fill(start)
    settle(page, lambda: page.locator("#filters").get_by_role("button", name="查询").click())
    assert_headlines(page, system, CITY, caller=CITY, **{"from": system.summary["from"], "to": start})
    assert "from=" in page.url and "#" in page.url

    # The campaign selector lists the campaigns the API lists; its figures follow the period.
    campaigns = system.api("appraisal/campaigns", CITY)["rows"]
    options = page.locator("#campaign option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == [c["key"] for c in campaigns]
    settle(page, lambda: page.locator("#campaign").select_option(campaigns[0]["key"]))
    expect(page.locator("#campaign-text")).to_contain_text(campaigns[0]["name"])

    # A region outside the city's jurisdiction (edited into the address): refused, said in Chinese.
    page.evaluate("location.hash = 'region=360100'")
    expect(page.locator("#error")).to_have_text("无权查看：所选地区不在本单位的管辖范围内，或超出本统计服务的范围。")
    console.assert_clean(403)


def test_a_bad_token_is_refused_and_sign_out_forgets_the_token(system, desk, console):
    page = desk
    page.goto(system.dashboard)
    page.get_by_label("访问令牌").fill("not-a-token")
    page.locator("#sign-in-form").get_by_role("button", name="登录").click()
    expect(page.locator("#sign-in-error")).to_have_text("这不是有效的访问令牌，请检查后重新输入。")

    # Well formed but signed with another secret: the API says 401, the page asks again.
    forged = bearer(PROVINCE)[:-4] + ("AAAA" if not bearer(PROVINCE).endswith("AAAA") else "BBBB")
    page.get_by_label("访问令牌").fill(forged)
    page.locator("#sign-in-form").get_by_role("button", name="登录").click()
    expect(page.locator("#sign-in-error")).to_have_text("令牌无效或已过期，请重新登录。")
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None
    expect(page.locator("#board")).to_be_hidden()

    sign_in(page, system, bearer(PROVINCE))
    page.get_by_role("button", name="退出").click()
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None
    screenshot(page, "0-sign-in")
    console.assert_clean(401)
