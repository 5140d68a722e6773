"""The roster of organs and cadres (`/office/roster` of the visits service) in a real browser: the
working committee registers an organ and a cadre in it, promotes a cadre (who becomes a leading
cadre) and is told when a change changes nothing; a clerk sees the roster and cannot write it.
Every outcome is checked through the REST API. Screenshots go to test-artifacts/browser/.
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.office_support import (ADMIN, CLERK, COUNTY, desk, desk_console, open_step, send_step,  # noqa: F401
                                          sign_in, visits)
from tests.browser.support import audit, screenshot


def test_the_working_committee_keeps_the_roster_and_a_promotion_makes_a_leading_cadre(visits, desk, desk_console):
    page = desk
    sign_in(page, visits.url + "/office/roster", ADMIN)
    expect(page.locator("#summary")).to_have_text("共 3 名干部，第 1–3 名")

    page.click("#organ summary")
    page.fill("#organ-name", "章贡区交通运输局")
    page.select_option("#category", "government")
    page.select_option("#region", COUNTY)
    page.click("#organ-submit")
    expect(page.locator("#organ-done")).to_have_text("已登记单位“章贡区交通运输局”，现在可以登记它的干部。")
    [organ] = [o for o in visits.call("GET", "/organs")["items"] if o["name"] == "章贡区交通运输局"]
    assert (organ["category"], organ["region"], organ["tier"]) == ("government", COUNTY, "county")

    page.click("#cadre summary")
    page.select_option("#cadre-organ", organ["id"])
    page.fill("#cadre-name", "周涛")
    page.click("#cadre-submit")  # no rank
    expect(page.locator("#cadre-form [data-field=rank] > .field-error")).to_have_text("必填。")
    page.select_option("#rank", "section")
    page.fill("#position", "局长")
    page.click("#cadre-submit")
    expect(page.locator("#cadre-done")).to_have_text("已登记章贡区交通运输局 周涛（领导干部）。")
    expect(page.locator("#cadres > li")).to_have_count(1)  # the organ's cadres shown

    # 李红, 正科级 in a city organ, is not a leading cadre until promoted to 副处级.
    page.select_option("#organ-filter", visits.organs["transport"])
    page.click("#filters button[type=submit]")
    card = page.locator(f"#cadre-{visits.cadres['李红']}")
    expect(card.locator(".badge")).to_have_count(0)
    open_step(card, "变更")
    send_step(card)  # nothing changed
    expect(card.locator("[data-field=rank] > .field-error")).to_have_text("没有变更：请选择新职级或调入单位，或填写新职务。")
    card.locator("select[data-name=rank]").select_option("deputy_county")
    card.locator("input[data-name=position]").fill("副局长")
    audit(page)
    send_step(card)
    expect(card.locator(".badge")).to_have_text("领导干部")
    expect(card).to_contain_text("副处级/副县级")
    screenshot(page, "office-roster")

    promoted = visits.call("GET", f"/cadres/{visits.cadres['李红']}")
    assert (promoted["rank"], promoted["position"], promoted["leading"], promoted["organ_id"], promoted["version"]) == \
        ("deputy_county", "副局长", True, visits.organs["transport"], 2)
    [registered] = visits.call("GET", f"/cadres?organ_id={organ['id']}")["items"]
    assert (registered["name"], registered["rank"], registered["position"], registered["leading"]) == \
        ("周涛", "section", "局长", True)

    page.click("#sign-out")
    sign_in(page, visits.url + "/office/roster", CLERK)
    page.check("#leading-filter")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text("共 4 名干部，第 1–4 名")  # 王建国, 赵明, 李红, 周涛
    expect(page.locator("#cadre")).to_be_hidden()
    expect(page.locator("#organ")).to_be_hidden()
    expect(page.locator("#cadres .actions")).to_have_count(0)
    desk_console.assert_clean(422, 409)  # (a change of nothing is a conflict with the record as it stands)
