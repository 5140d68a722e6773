"""The offices' page of report meetings on advanced grassroots examples (`/office/meetings` of the
visits service, 先进典型报告会, 三学) in a real browser: a meeting refused beside the fields the API
names, then recorded with two examples who reported, listed, and cancelled as recorded in error.
Every outcome is checked through the REST API. Screenshot: test-artifacts/browser/office-meetings.png.
"""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.office_support import CLERK, COUNTY, desk, desk_console, open_step, send_step, sign_in, visits  # noqa: F401
from tests.browser.support import audit, screenshot


def test_a_meeting_is_recorded_with_its_exemplars_and_cancelled(visits, desk, desk_console):
    page = desk
    held_on = (date.today() - timedelta(days=3)).isoformat()
    sign_in(page, visits.url + "/office/meetings", CLERK)
    page.click("#hold summary")
    page.select_option("#region", COUNTY)
    page.fill("#held_on", held_on)
    page.fill("#title", "践行科学发展观基层先进典型报告会")
    page.click("#hold-submit")  # no one who reported, no one attending
    expect(page.locator("[data-field='exemplars.0.name'] > .field-error")).to_have_text("必填。")
    expect(page.locator("[data-field=attendance] > .field-error")).to_have_text("应在 1 至 100000 之间。")
    assert visits.call("GET", "/meetings")["total"] == 0

    page.fill("[data-field='exemplars.0.name'] input", "钟春香")
    page.fill("[data-field='exemplars.0.unit'] input", "章贡区水南镇腊长村")
    page.fill("[data-field='exemplars.0.deeds'] textarea", "带领村民发展脐橙产业")
    page.click("[data-list=exemplars] .add")
    page.fill("[data-field='exemplars.1.name'] input", "刘建华")
    page.fill("[data-field='exemplars.1.unit'] input", "赣州某电子企业")
    page.fill("#attendance", "320")
    page.fill("#host", "章贡区直机关工委")
    audit(page)
    page.click("#hold-submit")
    expect(page.locator("#hold-done")).to_have_text(
        "已登记报告会“践行科学发展观基层先进典型报告会”（2 位先进典型作报告，320 人参会）。")
    [meeting] = visits.call("GET", "/meetings")["items"]
    assert (meeting["region"], meeting["held_on"], meeting["attendance"], meeting["host"], meeting["place"]) == \
        (COUNTY, held_on, 320, "章贡区直机关工委", None)
    assert meeting["exemplars"] == [{"name": "钟春香", "unit": "章贡区水南镇腊长村", "deeds": "带领村民发展脐橙产业"},
                                    {"name": "刘建华", "unit": "赣州某电子企业", "deeds": None}]
    # the form is ready for the next: one empty row of exemplars again
    expect(page.locator("[data-list=exemplars] .item")).to_have_count(1)
    expect(page.locator("[data-field='exemplars.0.name'] input")).to_have_value("")

    card = page.locator(f"#meeting-{meeting['id']}")
    expect(card.locator("ol.history li")).to_have_text(["钟春香（章贡区水南镇腊长村）：带领村民发展脐橙产业",
                                                         "刘建华（赣州某电子企业）"])
    screenshot(page, "office-meetings")
    open_step(card, "撤销")
    card.get_by_label("撤销理由（如：重复录入、信息有误）").fill("重复录入")
    send_step(card)
    card = page.locator(f"#meeting-{meeting['id']}")
    expect(card.get_by_role("status")).to_have_text("已撤销，这场报告会不再计入统计。")
    expect(card.locator(".badge")).to_have_text("已撤销")
    expect(card.locator(".actions button")).to_have_count(0)
    assert visits.call("GET", f"/meetings/{meeting['id']}")["status"] == "cancelled"
    desk_console.assert_clean(422)


def test_on_a_phone_the_meeting_form_fits_the_screen(visits, phone):
    page = phone
    sign_in(page, visits.url + "/office/meetings", CLERK)
    page.click("#hold summary")
    page.click("[data-list=exemplars] .add")  # two rows of exemplars, each with its 事迹 box
    expect(page.locator("[data-list=exemplars] .item")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    audit(page)
    screenshot(page, "office-meetings-phone")
