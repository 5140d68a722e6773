"""The working committee's page of appraisal campaigns (`/office/campaigns` of the appraisal
service) in a real browser: a campaign drafted from an earlier one's targets and respondents,
amended, opened; invitation codes issued and downloaded (CSV and the sheet to print), a paper
batch recorded, an organ's low-rated dimension put on the ledger for rectification; the results
sealed and the campaign closed; the questionnaire reworded in a draft and again once open. Every
outcome is checked through the REST API; what the API refuses is shown beside the row and field it names and stores nothing.
Screenshots go to test-artifacts/browser/office-campaign*.png.
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.office_support import CLERK, desk, desk_console, open_step, send_step, sign_in  # noqa: F401
from tests.browser.support import ARTIFACTS, RESPONDENTS, TARGETS, audit, screenshot


def test_a_campaign_is_drafted_from_an_earlier_one_run_and_its_codes_downloaded(service, desk, desk_console):
    office, page = service.office, desk
    earlier = office.open_campaign(title="2025年度群众评机关")
    office.close(earlier)
    sign_in(page, service.url + "/office/campaigns", office.ADMIN)
    page.click("#draft summary")
    page.fill("#title", "2026年度群众评机关")
    page.select_option("#copy-from", earlier)
    targets, groups = page.locator("[data-list=targets] .item"), page.locator("[data-list=respondent_categories] .item")
    expect(targets).to_have_count(len(TARGETS))
    expect(groups).to_have_count(2)
    expect(page.locator("[data-field='targets.1.name'] input")).to_have_value("章贡区人民法院")

    # An organ outside the office's jurisdiction, and a weight on one category only: refused in place.
    page.click("[data-list=targets] .add")
    page.fill("[data-field='targets.4.organ_id'] input", "gz-metro")
    page.fill("[data-field='targets.4.name'] input", "广州地铁集团")
    page.select_option("[data-field='targets.4.category'] select", "stationed")
    page.fill("[data-field='targets.4.region'] input", "440100")
    page.click("#draft-submit")
    expect(page.locator("[data-field='targets.4.region'] > .field-error")).to_have_text("该单位所在地区不在本辖区内。")
    page.click("[data-list=targets] button[aria-label='删除第5项']")
    page.fill("[data-field='respondent_categories.0.weight'] input", "2")
    page.click("#draft-submit")
    expect(page.locator("[data-list=respondent_categories] > .field-error")).to_have_text("权重请全部填写，或都不填。")
    assert office.call("GET", "/campaigns").json()["total"] == 1
    page.fill("[data-field='respondent_categories.0.weight'] input", "")
    page.click("#draft-submit")
    expect(page.locator("#draft-done")).to_have_text("已新建草稿“2026年度群众评机关”；开始评议前仍可修改。")
    [drafted] = office.call("GET", "/campaigns?status=draft").json()["items"]
    assert (drafted["targets"], [(g["category"], g["quota"], g["weight"]) for g in drafted["respondent_categories"]]) == \
        (TARGETS, [("npc_deputy", 40, None), ("farmer_or_resident", 200, None)])

    # Amended before it opens: a target dropped, the title changed, the scoring and limits set.
    expect(page.locator("#draft-settings")).to_be_hidden()  # (a new draft takes the defaults)
    card = page.locator(f"#campaign-{drafted['id']}")
    open_step(card, "修改草稿")
    expect(page.locator("#title")).to_have_value("2026年度群众评机关")
    page.fill("#title", "2026年度市直机关群众评机关")
    page.click("[data-list=targets] button[aria-label='删除第4项']")
    expect(page.locator("[data-field='scoring.level_points.basically_satisfied'] input")).to_have_value("70")
    page.fill("[data-field='scoring.level_points.basically_satisfied'] input", "120")
    page.click("#draft-submit")
    expect(page.locator("[data-field='scoring.level_points.basically_satisfied'] > .field-error")).to_have_text(
        "应在 0 至 100 之间。")
    page.fill("[data-field='scoring.level_points.basically_satisfied'] input", "60")
    page.fill("[data-field='scoring.dimension_weights.2.weight'] input", "2")  # 服务态度 counts double
    page.fill("[data-field='scoring.bottom_n'] input", "2")
    page.select_option("[data-field='opinion_limits.over_limit'] select", "block")
    page.click("#draft-submit")
    expect(page.locator("#draft-done")).to_have_text("已保存对“2026年度市直机关群众评机关”的修改。")
    amended = office.call("GET", f"/campaigns/{drafted['id']}").json()
    assert (amended["title"], amended["targets"], amended["version"]) == ("2026年度市直机关群众评机关", TARGETS[:3], 2)
    assert (amended["scoring"]["level_points"]["basically_satisfied"], amended["scoring"]["bottom_n"],
            [w["weight"] for w in amended["scoring"]["dimension_weights"]], amended["opinion_limits"]["over_limit"]) == \
        (60, 2, [1, 1, 2, 1, 1], "block")
    assert amended["scoring"]["grade_bands"] == drafted["scoring"]["grade_bands"]  # what was not touched, kept

    card = page.locator(f"#campaign-{drafted['id']}")
    open_step(card, "开始评议")
    send_step(card)
    expect(card.locator(".badge").first).to_have_text("进行中")

    open_step(card, "发放邀请码")
    card.locator("select[data-name=respondent_category]").select_option("npc_deputy")
    card.locator("input[data-name=count]").fill("3")
    card.locator("input[data-name=label]").fill("人大代表第一批")
    audit(page)
    send_step(card)
    expect(card.locator(".notice.ok")).to_contain_text("已发放邀请码 3 个（人大代表第一批）")
    expect(card.locator("details[open] li")).to_contain_text("人大代表 · 人大代表第一批：发放 3 份，收回 0 份")
    [batch] = office.call("GET", f"/campaigns/{drafted['id']}/batches").json()["items"]
    with page.expect_download() as saved:
        card.get_by_role("button", name="下载邀请码（CSV）").click()
    assert saved.value.suggested_filename == "邀请码-人大代表第一批.csv"
    with open(saved.value.path(), "rb") as f:
        assert f.read() == office.call("GET", f"/batches/{batch['id']}/invitations.csv").content
    with page.expect_download() as saved:
        card.get_by_role("button", name="下载打印页").click()
    with open(saved.value.path(), encoding="utf-8") as f:
        sheet = f.read()
    assert "2026年度市直机关群众评机关 · 邀请码 · 人大代表 · 人大代表第一批" in sheet and sheet.count("<svg") == 3

    open_step(card, "登记纸质问卷")
    card.locator("select[data-name=respondent_category]").select_option("farmer_or_resident")
    card.locator("input[data-name=count]").fill("2")
    send_step(card)
    expect(card.locator(".notice.ok")).to_have_text("已登记纸质问卷 2 份，可在“纸质问卷录入”中逐份录入。")

    # An organ's low-rated dimension put on the ledger for rectification, assigned to the organ at once.
    open_step(card, "登记整改问题")
    card.locator("select[data-name=organ_id]").select_option("traffic")
    card.locator("select[data-name=dimension]").select_option("service_attitude")
    card.locator("select[data-name=category]").select_option("service")
    card.locator("textarea[data-name=description]").fill("窗口服务态度生硬，群众反映较多")
    card.locator("input[data-name=responsible_person]").fill("张伟")
    send_step(card)  # a responsible person without a deadline
    expect(card.locator("[data-field=deadline] > .field-error")).to_have_text("责任人和办理期限请同时填写，或都不填。")
    card.locator("input[data-name=deadline]").fill("2099-06-30")
    send_step(card)
    expect(card.locator(".notice.ok")).to_contain_text("并交办给市交通运输局")
    expect(card.locator("details[open] li")).to_contain_text("市交通运输局 · 服务态度：窗口服务态度生硬，群众反映较多（已交办）")
    [problem] = office.call("GET", "/problems?source=questionnaire").json()["items"]
    assert (problem["source_ref"], problem["status"], problem["unit_id"], problem["responsible_person"], problem["deadline"]) == \
        (f"{drafted['id']}/traffic/service_attitude", "assigned", "traffic", "张伟", "2099-06-30")

    open_step(card, "封存结果")
    card.locator("textarea[data-name=reason]").fill("测评结束前不公布得分")
    send_step(card)
    expect(card.locator(".badge")).to_have_text(["进行中", "结果已封存"])
    open_step(card, "结束评议")
    send_step(card)
    expect(card.locator(".badge").first).to_have_text("已结束")
    expect(card.locator(".actions button")).to_have_text(["登记整改问题"])  # (rectification goes on)
    screenshot(page, "office-campaign-closed")

    closed = office.call("GET", f"/campaigns/{drafted['id']}").json()
    assert (closed["status"], closed["opened_on"] is not None, closed["closed_on"] is not None) == ("closed", True, True)
    assert sorted((b["channel"], b["respondent_category"], b["count"]) for b in
                  office.call("GET", f"/campaigns/{drafted['id']}/batches").json()["items"]) == \
        [("online", "npc_deputy", 3), ("paper", "farmer_or_resident", 2)]

    # A clerk sees the campaigns and registers rectification problems; drafting and running
    # campaigns is the working committee's.
    page.click("#sign-out")
    sign_in(page, service.url + "/office/campaigns", CLERK)
    expect(page.locator("#campaigns > li")).to_have_count(2)
    expect(page.locator("#draft")).to_be_hidden()
    expect(page.locator("#campaigns .actions button")).to_have_text(["登记整改问题", "登记整改问题"])
    desk_console.assert_clean(422)


def test_the_questionnaire_is_reworded_in_a_draft_and_again_once_open(service, desk, desk_console):
    office, page = service.office, desk
    draft = office.call("POST", "/campaigns", expect=201, json={
        "title": "2026年度窗口单位评议", "targets": TARGETS, "respondent_categories": RESPONDENTS}).json()
    sign_in(page, service.url + "/office/campaigns", office.ADMIN)
    card = page.locator(f"#campaign-{draft['id']}")
    open_step(card, "修改问卷")
    form = card.locator("form.step")
    expect(form.locator("[data-field='questionnaire.title'] input")).to_have_value("2026年度窗口单位评议")
    expect(form.locator("[data-field='questionnaire.dimensions.2.name'] input")).to_have_value(
        draft["questionnaire"]["dimensions"][2]["name"])
    # a title emptied is refused beside it, and nothing changes
    form.locator("[data-field='questionnaire.title'] input").fill("")
    send_step(card)
    expect(form.locator("[data-field='questionnaire.title'] > .field-error")).to_have_text("必填。")
    assert office.call("GET", f"/campaigns/{draft['id']}").json()["questionnaire"]["version"] == 1

    form.locator("[data-field='questionnaire.title'] input").fill("窗口单位服务满意度测评表")
    form.locator("[data-field='questionnaire.instructions'] textarea").fill("请根据您近一年办事的实际感受填写。")
    form.locator("[data-field='questionnaire.dimensions.2.prompt'] textarea").fill("工作人员是否热情、耐心、文明用语")
    form.locator("[data-field='questionnaire.levels.0.name'] input").fill("很满意")
    form.get_by_label("问卷末尾征求总体意见建议").uncheck()
    audit(page)
    form.screenshot(path=str(ARTIFACTS / "office-campaign-questionnaire.png"))
    send_step(card)
    card = page.locator(f"#campaign-{draft['id']}")
    expect(card.get_by_role("status")).to_have_text("问卷已保存为第 2 版。")
    expect(card).to_contain_text("第 2 版")
    q = office.call("GET", f"/campaigns/{draft['id']}").json()["questionnaire"]
    assert (q["version"], q["title"], q["instructions"], q["dimensions"][2]["prompt"], q["levels"][0]["name"],
            q["organ_opinion"], q["overall_opinion"]) == (
        2, "窗口单位服务满意度测评表", "请根据您近一年办事的实际感受填写。", "工作人员是否热情、耐心、文明用语", "很满意", True, False)
    # what was not touched is sent as it was: the other dimensions' names, a prompt left blank as none
    assert [d["name"] for d in q["dimensions"]] == [d["name"] for d in draft["questionnaire"]["dimensions"]]
    assert q["dimensions"][0]["prompt"] is None

    # Once open, a new version with its reason; the answers already given keep theirs.
    open_step(card, "开始评议")
    send_step(card)
    card = page.locator(f"#campaign-{draft['id']}")
    expect(card.locator(".badge").first).to_have_text("进行中")
    open_step(card, "修改问卷")
    form = card.locator("form.step")
    expect(form).to_contain_text("已收回的答卷仍按原版本计")
    form.locator("[data-field='questionnaire.dimensions.2.prompt'] textarea").fill("工作人员是否热情、耐心")
    form.get_by_label("修改理由（选填）").fill("精简提示语")
    send_step(card)
    expect(page.locator(f"#campaign-{draft['id']}").get_by_role("status")).to_have_text("问卷已保存为第 3 版。")
    opened = office.call("GET", f"/campaigns/{draft['id']}").json()
    assert (opened["questionnaire"]["version"], opened["answerable_versions"]) == (3, [2, 3])
    assert opened["questionnaire"]["dimensions"][2]["prompt"] == "工作人员是否热情、耐心"
    desk_console.assert_clean(422)
