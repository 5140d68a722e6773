"""The offices' forms (`/office/` of the write services, shared/web/office) in a real browser.

A clerk signs in with an office token and logs a visit on the form (cadres from two organs, a
problem, assistance), cancels one logged in error from the list of visits, enters a research report for a leading cadre who owes one, moves a problem
along the ledger to closed, keys in paper questionnaires from the keyboard and handles online
opinions. Every outcome is checked through the service's REST API or the events it published, and
what the API refuses is shown beside the field it names and stores nothing. The visits service
runs under gunicorn on the embedded backend (organs and cadres registered through its API); the
appraisal service (the `service` fixture) serves the ledger page without organs, so its
responsible unit is typed in, and the paper questionnaires' and opinions' pages.
Screenshots go to test-artifacts/browser/office-*.png.
"""
from __future__ import annotations

from datetime import date, timedelta

import requests
from playwright.sync_api import expect

from shared.web.office import SERVICE_PAGES
from tests.browser.office_support import (ADMIN, CLERK, COUNTY, REGION, VIEWER, Visits, desk, desk_console,  # noqa: F401
                                          open_step, send_step, sign_in, step, visits)
from tests.browser.support import TARGETS, audit, screenshot

def choose_cadres(page, visits: Visits, *names: str) -> None:
    """Tick cadres organ by organ, as a person does."""
    for organ in ("transport", "water"):
        page.select_option("#organ", visits.organs[organ])
        page.locator("#cadre-choices > *").first.wait_for()  # the organ's cadres, read from the API
        for name in names:
            box = page.locator(f'#cadre-choices input[value="{visits.cadres[name]}"]')
            if box.count():
                box.check()


def test_a_visit_logged_on_the_form_is_stored_with_its_problem_and_assistance(visits, desk, desk_console):
    page = desk
    before = visits.call("GET", "/visits")["total"]
    sign_in(page, visits.url + "/office/visit", CLERK)
    expect(page.locator("#who-text")).to_have_text("赣州市 · 联络员")
    choose_cadres(page, visits, "王建国", "赵明")
    expect(page.locator("#cadres-chosen")).to_have_text("已选择 2 人：王建国、赵明")
    page.select_option("#region", COUNTY)
    page.select_option("#place_type", "village")
    page.fill("#place_name", "水东镇七里村")
    page.check("#activity-ask_needs")
    page.fill("#people_reached", "35")
    page.fill("#households_reached", "12")
    page.click("fieldset[data-list=problems] .add")
    page.select_option("fieldset[data-list=problems] select", "infrastructure")
    page.fill("fieldset[data-list=problems] textarea", "村道破损，雨天难行")
    page.click("fieldset[data-list=funds] .add")
    page.fill("[data-field='funds.0.purpose'] input", "修缮村道")
    page.fill("[data-field='funds.0.amount_yuan'] input", "12000.50")
    page.click("fieldset[data-list=policy_sessions] .add")
    page.fill("[data-field='policy_sessions.0.topic'] input", "惠农补贴政策")
    page.fill("[data-field='policy_sessions.0.attendance'] input", "40")
    # Assistance ticks the activity it belongs to (the API refuses funds without 送服务).
    expect(page.locator("#activity-deliver_service")).to_be_checked()
    expect(page.locator("#activity-deliver_policy")).to_be_checked()
    audit(page)
    screenshot(page, "office-visit-form")
    page.click("#submit")
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#done-problems")).to_contain_text("1 个问题已登记到问题台账")
    screenshot(page, "office-visit-logged")

    listed = visits.call("GET", "/visits")
    assert listed["total"] == before + 1
    visit = next(v for v in listed["items"] if v["place_name"] == "水东镇七里村")
    assert sorted(visit["cadre_ids"]) == sorted([visits.cadres["王建国"], visits.cadres["赵明"]])
    assert (visit["region"], visit["place_type"], visit["visited_on"]) == (COUNTY, "village", page.evaluate("Office.today()"))
    assert set(visit["activities"]) == {"ask_needs", "deliver_service", "deliver_policy"}
    assert (visit["people_reached"], visit["households_reached"]) == (35, 12)
    assert visit["funds"] == [{"purpose": "修缮村道", "amount_yuan": "12000.50"}]
    assert visit["policy_sessions"] == [{"topic": "惠农补贴政策", "attendance": 40}]
    assert visit["id"] in page.locator("#done-text").text_content()
    [problem_id] = visit["problem_ids"]
    problem = visits.call("GET", f"/problems/{problem_id}")
    assert (problem["source"], problem["category"], problem["description"], problem["region"], problem["status"]) == \
        ("visit", "infrastructure", "村道破损，雨天难行", COUNTY, "registered")
    desk_console.assert_clean()


def test_what_the_api_refuses_is_shown_beside_its_field_and_nothing_is_stored(visits, desk, desk_console):
    page = desk
    before = visits.call("GET", "/visits")["total"]
    sign_in(page, visits.url + "/office/visit", CLERK)
    page.click("fieldset[data-list=funds] .add")
    page.fill("[data-field='funds.0.purpose'] input", "慰问金")
    page.fill("[data-field='funds.0.amount_yuan'] input", "12.345")
    page.fill("#people_reached", "")
    page.locator("#people_reached").press_sequentially("1e")  # no number: the browser's value is empty
    page.click("#submit")

    expect(page.locator("#form-error")).to_contain_text("请修改下列标出的内容后再提交")
    expect(page.locator("[data-field=cadre_ids] > .field-error")).to_be_visible()
    expect(page.locator("[data-field=place_name] > .field-error")).to_have_text("应为 1 至 200 个字。")
    expect(page.locator("[data-field=place_type] > .field-error")).to_have_text("请从列表中选择。")
    expect(page.locator("[data-field='funds.0.amount_yuan'] > .field-error")).to_have_text("金额最多保留两位小数（分）。")
    expect(page.locator("[data-field=people_reached] > .field-error")).to_have_text("应为整数。")  # not taken as 0
    expect(page.locator("#place_name")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "office-visit-refused")
    assert visits.call("GET", "/visits")["total"] == before

    # Mended, the same form goes in once (a changed body is sent under a new Idempotency-Key).
    choose_cadres(page, visits, "李红")
    page.select_option("#place_type", "enterprise")
    page.fill("#place_name", "赣州某稀土公司")
    page.fill("[data-field='funds.0.amount_yuan'] input", "12.34")
    page.fill("#people_reached", "8")
    page.click("#submit")
    expect(page.locator("#done")).to_be_visible()
    assert visits.call("GET", "/visits")["total"] == before + 1
    desk_console.assert_clean(422)



def test_a_visit_logged_in_error_is_cancelled_from_the_list_and_its_problem_stays(visits, desk, desk_console):
    page = desk
    logged = visits.call("POST", "/visits", 201, headers=CLERK, json={
        "cadre_ids": [visits.cadres["赵明"], visits.cadres["王建国"]], "region": COUNTY,
        "visited_on": (date.today() - timedelta(days=3)).isoformat(), "place_type": "enterprise",
        "place_name": "章贡区某电子厂（重复录入）", "activities": ["ask_needs", "deliver_service"], "people_reached": 12,
        "funds": [{"purpose": "技改补助", "amount_yuan": "20000"}],
        "problems": [{"category": "enterprise", "description": "用工招聘难"}]})
    sign_in(page, visits.url + "/office/visits", CLERK)
    card = page.locator(f"#visit-{logged['id']}")
    expect(card).to_contain_text("赵明、王建国")  # the cadres by name, read organ by organ
    expect(card).to_contain_text("问需于民、送服务")
    expect(card).to_contain_text("资金 ¥20,000")
    expect(card).to_contain_text("1 个（已登记到问题台账）")
    open_step(card, "撤销")
    send_step(card)  # no reason
    expect(card.locator("[data-field=reason] > .field-error")).to_have_text("必填。")
    assert visits.call("GET", f"/visits/{logged['id']}")["status"] == "logged"
    card.locator("textarea[data-name=reason]").fill("重复录入")
    send_step(card)
    expect(card.locator(".badge")).to_have_text("已撤销")
    expect(card.locator(".actions")).to_have_count(0)
    page.select_option("#status-filter", "cancelled")
    page.click("#filters button[type=submit]")
    expect(page.locator("#visits > li")).to_have_count(1)
    screenshot(page, "office-visit-cancelled")

    cancelled = visits.call("GET", f"/visits/{logged['id']}")
    assert (cancelled["status"], cancelled["cancellation"]["reason"]) == ("cancelled", "重复录入")
    assert visits.call("GET", f"/problems/{logged['problem_ids'][0]}")["status"] == "registered"  # still on the ledger
    desk_console.assert_clean(422)


def test_a_research_report_is_entered_for_a_leading_cadre_who_owes_one(visits, desk, desk_console):
    page = desk
    sign_in(page, visits.url + "/office/reports", CLERK)
    # 王建国 (正处级 in a city organ) and 赵明 (正科级 in a county organ) are leading cadres; 李红 is not.
    expect(page.locator("#owed-summary")).to_have_text("领导干部 2 人，已提交 0 人，尚欠 2 人。")
    expect(page.locator("#owed li")).to_have_count(2)
    page.click("#owed button[aria-label='为王建国录入调研报告']")
    expect(page.locator("#cadre_id")).to_have_value(visits.cadres["王建国"])
    page.fill("#summary", "走访十二家物流企业，梳理出用地、融资、通关三类问题。")
    page.click("#submit")  # no title
    expect(page.locator("[data-field=title] > .field-error")).to_have_text("应为 1 至 200 个字。")
    assert visits.call("GET", "/reports")["total"] == 0

    page.fill("#title", "关于降低物流成本的调研报告")
    page.fill("#attachment_ref", "赣市交〔2026〕12号")
    audit(page)
    page.click("#submit")
    expect(page.locator("#done-text")).to_contain_text("王建国《关于降低物流成本的调研报告》")
    expect(page.locator("#done-text")).to_contain_text("计入领导干部调研报告完成情况")
    expect(page.locator("#owed-summary")).to_have_text("领导干部 2 人，已提交 1 人，尚欠 1 人。")
    expect(page.locator("#owed li")).to_have_text(["赵明（章贡区水利局）录入报告"])
    screenshot(page, "office-report-entered")

    [report] = visits.call("GET", "/reports")["items"]
    assert (report["cadre_id"], report["title"], report["summary"], report["attachment_ref"], report["leading"]) == \
        (visits.cadres["王建国"], "关于降低物流成本的调研报告", "走访十二家物流企业，梳理出用地、融资、通关三类问题。",
         "赣市交〔2026〕12号", True)
    assert report["submitted_on"] == page.evaluate("Office.today()")
    desk_console.assert_clean(422)


def test_a_problem_is_moved_along_the_ledger_to_closed(visits, desk, desk_console):
    page = desk
    raised_on, referred_on = (date.today() - timedelta(days=10)).isoformat(), (date.today() - timedelta(days=7)).isoformat()
    problem = visits.problem("排水沟堵塞，雨后积水", on=raised_on)
    sign_in(page, visits.url + "/office/problems", CLERK)
    card = page.locator(f"#problem-{problem['id']}")

    expect(card).to_contain_text("挂号")
    # Recorded afterwards: a day before the problem was raised is refused in place, a later one taken.
    step(card, "交办", lambda: (card.locator("select[data-name=unit_id]").select_option(visits.organs["water"]),
                              card.locator("input[data-name=responsible_person]").fill("赵明"),
                              card.locator("input[data-name=deadline]").fill("2099-12-31"),
                              card.locator("input[data-name=on]").fill("2020-01-01")))
    expect(card.locator("[data-field=on] > .field-error")).to_have_text(f"日期不能早于上一步（{raised_on}）。")
    card.locator("input[data-name=on]").fill(referred_on)
    send_step(card)
    expect(card.locator("h2")).to_contain_text("已交办")
    step(card, "办理进展", lambda: card.locator("textarea[data-name=note]").fill("已组织清淤"))
    step(card, "办结", lambda: card.locator("textarea[data-name=result]").fill("排水沟已疏通"))
    expect(card.locator("h2")).to_contain_text("已办结待回访")
    # Not satisfied without saying why: refused in place, the problem unchanged.
    step(card, "回访", lambda: card.locator("input[type=radio][value=false]").check())
    expect(card.locator("[data-field=feedback] > .field-error")).to_have_text("不满意时请填写回访意见。")
    assert visits.call("GET", f"/problems/{problem['id']}")["status"] == "reported_done"
    card.locator("textarea[data-name=feedback]").fill("雨后仍有积水")
    send_step(card)
    expect(card.locator("h2")).to_contain_text("办理中")
    step(card, "办结", lambda: card.locator("textarea[data-name=result]").fill("加深排水沟"))
    step(card, "回访", lambda: card.locator("input[type=radio][value=true]").check())
    expect(card.locator("h2")).to_contain_text("已销号")
    screenshot(page, "office-problem-closed")

    stored = visits.call("GET", f"/problems/{problem['id']}")
    assert (stored["status"], stored["reopen_count"], stored["unit_id"], stored["unit_name"]) == \
        ("closed", 1, visits.organs["water"], "章贡区水利局")
    assert [e["action"] for e in stored["history"]] == \
        ["raised", "referred", "progressed", "reported_done", "reopened", "reported_done", "closed"]
    assert [e["on"] for e in stored["history"][:2]] == [raised_on, referred_on]
    assert stored["history"][-1]["on"] == page.evaluate("Office.today()")  # the day's default
    desk_console.assert_clean(422)


def test_a_step_on_a_problem_changed_meanwhile_is_refused(visits, desk, desk_console):
    page = desk
    problem = visits.problem("路灯不亮")
    sign_in(page, visits.url + "/office/problems", CLERK)
    card = page.locator(f"#problem-{problem['id']}")
    open_step(card, "交办")
    # Someone else refers it while the page shows it as registered.
    visits.call("POST", f"/problems/{problem['id']}/referral", headers=CLERK,
                json={"unit_id": visits.organs["transport"], "unit_name": "市交通运输局",
                      "responsible_person": "王建国", "deadline": "2099-12-31"})
    card.locator("select[data-name=unit_id]").select_option(visits.organs["water"])
    card.locator("input[data-name=responsible_person]").fill("赵明")
    card.locator("input[data-name=deadline]").fill("2099-12-31")
    send_step(card)
    expect(card.locator("form.step .notice.error")).to_contain_text("该记录刚被他人修改，请刷新后重试。")
    stored = visits.call("GET", f"/problems/{problem['id']}")
    assert (stored["unit_name"], [e["action"] for e in stored["history"]]) == ("市交通运输局", ["raised", "referred"])

    desk_console.assert_clean(409)


def test_a_viewer_sees_the_records_and_no_way_to_change_them(visits, desk, desk_console):
    page = desk
    problem = visits.problem("村口桥面坑洼")
    visit = visits.call("POST", "/visits", 201, headers=CLERK, json={
        "cadre_ids": [visits.cadres["李红"]], "region": COUNTY, "visited_on": "2026-11-02", "place_type": "village",
        "place_name": "沙石镇", "activities": ["ask_needs"], "people_reached": 9})
    viewing = "您以查看人员身份登录"
    sign_in(page, visits.url + "/office/problems", VIEWER)
    expect(page.locator("#viewing")).to_contain_text(viewing)
    card = page.locator(f"#problem-{problem['id']}")
    expect(card).to_contain_text("村口桥面坑洼")
    expect(card.locator(".actions button")).to_have_count(0)  # a clerk's card offers 交办 here
    audit(page)
    page.goto(visits.url + "/office/visits")
    expect(page.locator(f"#visit-{visit['id']}")).to_contain_text("沙石镇")
    expect(page.locator(f"#visit-{visit['id']} .actions button")).to_have_count(0)
    for path, form in (("visit", "#visit-form"), ("reports", "#report-form"), ("pairings", "#start")):
        page.goto(visits.url + "/office/" + path)
        expect(page.locator("#viewing")).to_contain_text(viewing)
        expect(page.locator(form)).to_be_hidden()
    # and a clerk in the same tab, after signing out, has them all back
    page.click("#sign-out")
    sign_in(page, visits.url + "/office/pairings", CLERK)
    expect(page.locator("#viewing")).to_be_hidden()
    expect(page.locator("#start")).to_be_visible()
    desk_console.assert_clean()


def test_the_appraisal_ledger_page_takes_the_responsible_unit_typed_in(service, desk, desk_console):
    page = desk
    problem = service.office.call("POST", "/problems", expect=201,
                                  json={"category": "service", "description": "办事窗口排长队", "region": REGION}).json()
    sign_in(page, service.url + "/office/problems", CLERK)
    expect(page.locator("nav.pages a")).to_have_text(["纸质问卷录入", "网上意见处理", "评议活动", "问题台账"])  # no visits here
    card = page.locator(f"#problem-{problem['id']}")
    open_step(card, "交办")
    card.locator("input[data-name=unit_id]").fill("tax")
    card.locator("input[data-name=unit_name]").fill("市税务局")
    card.locator("input[data-name=responsible_person]").fill("孙伟")
    card.locator("input[data-name=deadline]").fill("2099-12-31")
    audit(page)
    send_step(card)
    expect(card.locator("h2")).to_contain_text("已交办")
    screenshot(page, "office-appraisal-ledger")
    stored = service.office.call("GET", f"/problems/{problem['id']}").json()
    assert (stored["source"], stored["unit_id"], stored["unit_name"], stored["responsible_person"]) == \
        ("questionnaire", "tax", "市税务局", "孙伟")
    desk_console.assert_clean()


def test_paper_questionnaires_are_keyed_in_one_after_another_and_an_over_return_is_flagged(service, desk, desk_console):
    office, page = service.office, desk
    campaign = office.open_campaign()
    batch = office.call("POST", f"/campaigns/{campaign}/paper-batches", expect=201,
                        json={"respondent_category": "farmer_or_resident", "count": 1, "label": "水东镇第一批"}).json()["id"]
    form = office.call("GET", f"/campaigns/{campaign}/form").json()
    dimensions = [d["code"] for d in form["questionnaire"]["dimensions"]]
    levels = [level["code"] for level in form["questionnaire"]["levels"]]
    first, second = form["organs"][0], form["organs"][1]
    sign_in(page, service.url + "/office/paper", CLERK)
    page.select_option("#batch", batch)  # the campaign is chosen already: the only open one
    expect(page.locator("#batch-state")).to_have_text("本批发放 1 份，已录入 0 份。")

    page.click("#submit")  # nothing filled in
    expect(page.locator(".grid-wrap > .field-error")).to_have_text("这份问卷是空的：请至少评价一个单位，或填写意见建议。")

    # The first organ's row from the keyboard: a digit picks the level it numbers, Tab moves on.
    page.locator("#grid select").first.focus()
    keys = [1, 2, 3, 4, 1]
    for i, key in enumerate(keys):
        page.keyboard.type(str(key))
        if i < len(keys) - 1:
            page.keyboard.press("Tab")
    page.click("#organ-opinions .add")
    page.select_option("[data-field='organ_opinions.0.organ_id'] select", second["organ_id"])
    page.fill("[data-field='organ_opinions.0.text'] textarea", "窗口办事效率有待提高")
    page.fill("#overall_opinion", "总体满意")
    audit(page)
    screenshot(page, "office-paper-form")
    page.click("#submit")
    expect(page.locator("#keyed-text")).to_contain_text("评价 5 项），本批已录入 1/1 份")
    expect(page.locator("#keyed .warning")).to_have_count(0)
    expect(page.locator("#grid select").first).to_have_value("")  # cleared for the next form

    page.locator("#grid select").nth(5).focus()  # the second organ's first dimension
    page.keyboard.type("2")
    page.click("#submit")
    expect(page.locator("#keyed .warning")).to_contain_text("已超过发放份数")
    expect(page.locator("#keyed-text")).to_contain_text("本批已录入 2/1 份")
    screenshot(page, "office-paper-over-returned")

    submitted = [e.data for e in service.published() if e.type == "QuestionnaireSubmitted"]
    assert len(submitted) == 2
    assert (submitted[0]["batch_id"], submitted[0]["channel"], submitted[0]["flags"]) == (batch, "paper", [])
    assert submitted[0]["ratings"] == [{"organ_id": first["organ_id"],
                                        **{d: levels[k - 1] for d, k in zip(dimensions, keys)}}]
    assert submitted[0]["organ_opinions"] == [{"organ_id": second["organ_id"], "text": "窗口办事效率有待提高"}]
    assert submitted[0]["overall_opinion"] == "总体满意"
    assert submitted[1]["ratings"] == [{"organ_id": second["organ_id"], dimensions[0]: levels[1]}]
    assert submitted[1]["flags"] == ["batch_over_returned"]
    assert office.batches(campaign)[batch]["returned"] == 2
    desk_console.assert_clean(422)


def test_online_opinions_are_registered_on_the_ledger_or_hidden(service, desk, desk_console):
    office, page = service.office, desk
    campaign = office.open_campaign()
    organ = TARGETS[0]
    said = {}
    for text in ("办证窗口只开一个，排队两小时", "广告：低价代办各类证件"):  # as citizens do: no token
        answer = requests.post(f"{service.url}/campaigns/{campaign}/opinions", timeout=30,
                               json={"organ_id": organ["organ_id"], "text": text})
        assert answer.status_code == 201, answer.text
        said[text] = answer.json()["id"]
    sign_in(page, service.url + "/office/opinions", ADMIN)
    expect(page.locator("#summary")).to_have_text("共 2 条意见，第 1–2 条")
    complaint, advert = (page.locator(f"#opinion-{said[text]}") for text in said)

    open_step(complaint, "登记为问题")
    complaint.locator("select[data-name=category]").select_option("service")
    complaint.locator("input[data-name=responsible_person]").fill("周敏")
    send_step(complaint)  # a person without a deadline
    expect(complaint.locator("[data-field=deadline] > .field-error")).to_have_text("责任人和办理期限请同时填写，或都不填。")
    complaint.locator("input[data-name=deadline]").fill("2099-12-31")
    send_step(complaint)
    expect(complaint.locator(".notice.ok")).to_contain_text("已登记为问题")
    expect(complaint.locator(".actions button", has_text="登记为问题")).to_have_count(0)

    open_step(advert, "隐藏")
    advert.locator("textarea[data-name=reason]").fill("广告")
    audit(page)
    send_step(advert)
    expect(advert.locator(".notice.ok")).to_contain_text("已隐藏")
    screenshot(page, "office-opinions")
    page.click("#filters button[type=submit]")  # hidden ones are left out unless asked for
    expect(page.locator("#summary")).to_have_text("共 1 条意见，第 1–1 条")

    [problem] = [p for p in office.call("GET", "/problems?source=opinion").json()["items"]]
    assert (problem["source_ref"], problem["category"], problem["description"], problem["status"]) == \
        (said["办证窗口只开一个，排队两小时"], "service", "办证窗口只开一个，排队两小时", "assigned")
    assert (problem["unit_id"], problem["responsible_person"], problem["deadline"]) == (organ["organ_id"], "周敏", "2099-12-31")
    opinions = {o["id"]: o for o in office.opinions(campaign)}
    assert (opinions[said["广告：低价代办各类证件"]]["hidden"], opinions[said["广告：低价代办各类证件"]]["hidden_reason"]) == (True, "广告")
    assert not opinions[said["办证窗口只开一个，排队两小时"]]["hidden"]
    desk_console.assert_clean(422)


def test_on_a_phone_the_menu_keeps_each_page_name_on_one_line_and_nothing_is_wider_than_the_screen(visits, phone):
    page = phone
    sign_in(page, visits.url + "/office/pairings", CLERK)
    page.click("#start summary")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('nav.pages a')).lineHeight)")
    heights = page.eval_on_selector_all("nav.pages a", "links => links.map(a => a.getBoundingClientRect().height)")
    # every page's name on one line (each had been one character a line)
    assert len(heights) == len(SERVICE_PAGES["visits"]) and max(heights) < 1.5 * line, (heights, line)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    audit(page)
    screenshot(page, "office-phone")
