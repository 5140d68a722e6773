"""The offices' forms for 三送 and good practices (`/office/points`, `/pairings`, `/practices` of
the visits service) in a real browser, and what every office page does when a token expires.

An admin registers a construction point and the organs' contributions bring it to 三个一; a clerk
starts a cadre's pairing with a household and a construction point's pairing, logs days on site
and ends one; a clerk reports a good practice and the working committee publishes one and
declines another. Every outcome is checked through the REST API; what the API refuses is shown
beside the field it names, in Chinese, and stores nothing. Screenshots go to
test-artifacts/browser/office-*.png.
"""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.backends import token
from tests.browser.office_support import (ADMIN, CLERK, COUNTY, REGION, desk, desk_console,  # noqa: F401
                                          open_step, send_step, sign_in, step, visits)
from tests.browser.support import audit, screenshot


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def test_a_point_is_registered_and_brought_to_three_ones(visits, desk, desk_console):
    page = desk
    sign_in(page, visits.url + "/office/points", ADMIN)
    before = visits.call("GET", "/points")["total"]
    page.click("#register summary")
    page.select_option("#region", COUNTY)
    page.click("#register-submit")  # no name
    expect(page.locator("[data-field=name] > .field-error")).to_have_text("必填。")
    assert visits.call("GET", "/points")["total"] == before

    page.fill("#name", "章贡区沙石镇埠上村新农村建设点")
    page.select_option("#organ_id", visits.organs["water"])
    page.fill("#on", days_ago(5))
    page.click("#register-submit")
    expect(page.locator("#register-done")).to_have_text("已登记建设点“章贡区沙石镇埠上村新农村建设点”。")
    [point] = [p for p in visits.call("GET", "/points")["items"] if p["name"] == "章贡区沙石镇埠上村新农村建设点"]
    card = page.locator(f"#point-{point['id']}")
    expect(card.locator(".badge")).to_have_text("三个一未达标")
    expect(card).to_contain_text("党建工作指导员、活动室建设经费（不少于 1 万元）、电脑")

    step(card, "拨付经费", lambda: card.locator("input[data-name=amount_yuan]").fill("10000.005"))
    expect(card.locator("[data-field=amount_yuan] > .field-error")).to_have_text("金额最多保留两位小数（分）。")
    card.locator("input[data-name=amount_yuan]").fill("10000")
    card.locator("select[data-name=organ_id]").select_option(visits.organs["transport"])
    send_step(card)
    expect(card.locator(".notice.ok")).to_have_text("拨付经费已记录。")
    expect(card).to_contain_text("¥10,000.00")

    # The instructor chosen among an organ's cadres: name and organ are the cadre's.
    step(card, "选派指导员", lambda: (card.locator("select[data-name=organ_id]").select_option(visits.organs["water"]),
                                   card.locator("select[data-name=cadre_id] option", has_text="赵明").wait_for(state="attached"),
                                   card.locator("select[data-name=cadre_id]").select_option(visits.cadres["赵明"])))
    expect(card).to_contain_text("1 名：赵明")

    # Donated before the point was registered: refused in place.
    step(card, "捐赠电脑", lambda: (card.locator("input[data-name=count]").fill("2"),
                                card.locator("input[data-name=on]").fill(days_ago(6))))
    expect(card.locator("[data-field=on] > .field-error")).to_have_text(f"日期不能早于建设点登记日期（{days_ago(5)}）。")
    card.locator("input[data-name=on]").fill(days_ago(1))
    audit(page)
    send_step(card)
    expect(card.locator(".badge")).to_have_text("三个一已达标")
    expect(card.locator("details summary")).to_have_text("帮扶记录（3）")
    screenshot(page, "office-point-compliant")

    stored = visits.call("GET", f"/points/{point['id']}")
    assert (stored["compliant"], stored["missing"], stored["funds_total_yuan"], stored["computers_total"],
            stored["registered_on"], stored["organ_id"]) == (True, [], "10000.00", 2, days_ago(5), visits.organs["water"])
    assert [(i["instructor_name"], i["cadre_id"], i["organ_id"]) for i in stored["instructors"]] == \
        [("赵明", visits.cadres["赵明"], visits.organs["water"])]
    assert [(c["kind"], c["on"], c["organ_id"]) for c in stored["contributions"]] == [
        ("funds", date.today().isoformat(), visits.organs["transport"]),
        ("instructor", date.today().isoformat(), visits.organs["water"]),
        ("computers", days_ago(1), None)]

    # Filtered to the points still short of 三个一, it is not listed.
    page.select_option("#compliant", "false")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text("没有符合条件的建设点。")
    desk_console.assert_clean(422)


def test_pairings_are_started_their_days_logged_and_ended(visits, desk, desk_console):
    page = desk
    point = visits.call("POST", "/points", 201, json={"name": "章贡区水东镇新农村建设点", "region": COUNTY,
                                                      "on": days_ago(60)})
    sign_in(page, visits.url + "/office/pairings", CLERK)
    page.click("#start summary")
    page.select_option("#kind", "cadre_household")
    expect(page.locator("#cadre-field")).to_be_visible()
    expect(page.locator("#point-field")).to_be_hidden()
    page.select_option("#organ_id", visits.organs["transport"])
    page.locator("#cadre_id option", has_text="李红").wait_for(state="attached")
    page.select_option("#cadre_id", visits.cadres["李红"])
    page.fill("#partner_name", "刘大娘户")
    page.select_option("#region", COUNTY)
    page.fill("#start_on", days_ago(30))
    page.fill("#end_on", days_ago(40))
    page.fill("#required_days", "12")
    page.click("#start-submit")
    expect(page.locator("[data-field=end_on] > .field-error")).to_have_text("计划结束日期不能早于开始日期。")
    assert visits.call("GET", "/pairings")["total"] == 0

    page.fill("#end_on", (date.today() + timedelta(days=335)).isoformat())
    page.click("#start-submit")
    expect(page.locator("#start-done")).to_have_text("已新建结对：刘大娘户（干部结对困难户）。")
    [pairing] = visits.call("GET", "/pairings")["items"]
    card = page.locator(f"#pairing-{pairing['id']}")
    expect(card).to_contain_text("李红")
    expect(card).to_contain_text("0 天（要求 12 天，尚差 12 天）")

    # More days than have passed since the start: refused in place, with the figures.
    open_step(card, "记录驻点")
    card.locator("input[data-name=days]").fill("40")
    send_step(card)
    expect(card.locator("[data-field=days] > .field-error")).to_have_text(
        f"从开始到 {date.today().isoformat()} 只有 31 天，已记录驻点 0 天。")
    card.locator("input[data-name=days]").fill("5")
    card.locator("textarea[data-name=note]").fill("帮助申请危房改造补助")
    send_step(card)
    expect(card).to_contain_text("5 天（要求 12 天，尚差 7 天）")
    open_step(card, "结束结对")
    card.locator("textarea[data-name=outcome]").fill("危房改造完成，已稳定脱贫")
    send_step(card)
    expect(card.locator(".badge")).to_have_text("已结束")
    expect(card.locator(".actions")).to_have_count(0)  # nothing more to do on an ended pairing

    # An organ's pairing with a construction point: the point chosen gives the partner's region.
    page.select_option("#kind", "organ_point")
    expect(page.locator("#cadre-field")).to_be_hidden()
    page.select_option("#organ_id", visits.organs["water"])
    page.select_option("#region", REGION)
    page.select_option("#point_id", point["id"])
    expect(page.locator("#region")).to_have_value(COUNTY)
    page.fill("#partner_name", "水东镇新农村建设点党支部")
    page.fill("#start_on", days_ago(10))
    audit(page)
    page.click("#start-submit")
    expect(page.locator("#start-done")).to_contain_text("水东镇新农村建设点党支部")
    screenshot(page, "office-pairings")

    ended = visits.call("GET", f"/pairings/{pairing['id']}")
    assert (ended["kind"], ended["organ_id"], ended["cadre_id"], ended["region"], ended["start_on"], ended["status"],
            ended["days_total"], ended["outcome"], ended["ended_on"]) == \
        ("cadre_household", visits.organs["transport"], visits.cadres["李红"], COUNTY, days_ago(30), "ended", 5,
         "危房改造完成，已稳定脱贫", date.today().isoformat())
    assert [(s["days"], s["note"]) for s in ended["stays"]] == [(5, "帮助申请危房改造补助")]
    [shared] = visits.call("GET", "/pairings?kind=organ_point")["items"]
    assert (shared["point_id"], shared["organ_id"], shared["cadre_id"], shared["region"], shared["required_days"]) == \
        (point["id"], visits.organs["water"], None, COUNTY, 12)
    desk_console.assert_clean(422)


def test_good_practices_are_reported_and_the_working_committee_decides(visits, desk, desk_console):
    page = desk
    sign_in(page, visits.url + "/office/practices", CLERK)
    page.click("#submit summary")
    for title in ("“河长巡河日志”让问题早发现", "“一线工作法”解决群众急难愁盼"):
        page.select_option("#organ_id", visits.organs["water"])
        page.fill("#title", title)
        page.fill("#practice-summary", f"{title}：做法与成效。")
        page.click("#submit-button")
        expect(page.locator("#submit-done")).to_have_text(f"已报送《{title}》，待机关工委审核。")
    expect(page.locator("#practices > li")).to_have_count(2)
    expect(page.locator("#practices .actions")).to_have_count(0)  # a clerk reports; the committee decides

    page.click("#sign-out")
    sign_in(page, visits.url + "/office/practices", ADMIN)
    first, second = visits.call("GET", "/practices")["items"]
    card = page.locator(f"#practice-{first['id']}")
    open_step(card, "刊发")
    card.locator("input[data-name=issue]").fill("《赣州机关党建》2026年第12期")
    send_step(card)  # no channel ticked
    expect(card.locator("[data-field=channels] > .field-error")).to_have_text("应选择或填写 1 至 2 项。")
    card.get_by_label("内刊").check()
    card.get_by_label("内网").check()
    send_step(card)
    expect(card.locator(".badge")).to_have_text("已刊发")
    expect(card).to_contain_text("内刊、内网")
    other = page.locator(f"#practice-{second['id']}")
    open_step(other, "不予采用")
    other.locator("textarea[data-name=reason]").fill("做法尚在试行，成效待观察")
    audit(page)
    send_step(other)
    expect(other.locator(".badge")).to_have_text("不予采用")
    screenshot(page, "office-practices")

    published, declined = visits.call("GET", f"/practices/{first['id']}"), visits.call("GET", f"/practices/{second['id']}")
    assert (published["status"], published["channels"], published["issue"], published["organ_id"]) == \
        ("published", ["journal", "intranet"], "《赣州机关党建》2026年第12期", visits.organs["water"])
    assert (declined["status"], declined["decline_reason"], declined["decided_on"]) == \
        ("declined", "做法尚在试行，成效待观察", date.today().isoformat())
    desk_console.assert_clean(422)


def test_signed_in_again_after_the_token_expired_the_form_goes_on_as_filled(visits, desk, desk_console):
    page = desk
    expiring = token(REGION, "clerk", subject="office-clerk", ttl=3)
    sign_in(page, visits.url + "/office/practices", expiring)
    page.click("#submit summary")
    page.select_option("#organ_id", visits.organs["transport"])
    page.fill("#title", "“路长制”守护农村公路")
    page.fill("#practice-summary", "每条农村公路设路长，问题当日发现、当周整改。")
    page.wait_for_timeout(3200)  # the token is past its expiry
    page.click("#submit-button")
    expect(page.locator("#sign-in-error")).to_have_text("登录已失效，请重新输入访问令牌。")
    page.fill("#token-input", CLERK["Authorization"].split(" ", 1)[1])
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#title")).to_have_value("“路长制”守护农村公路")
    page.click("#submit-button")
    expect(page.locator("#submit-done")).to_have_text("已报送《“路长制”守护农村公路》，待机关工委审核。")
    assert [p["title"] for p in visits.call("GET", "/practices?organ_id=" + visits.organs["transport"])["items"]] == \
        ["“路长制”守护农村公路"]  # once
    desk_console.assert_clean(401)
