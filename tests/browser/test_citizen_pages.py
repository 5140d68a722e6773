"""The citizens' pages in a real browser on a phone-sized screen: answering a questionnaire from an
invitation link, the errors a citizen can meet, keyboard-only use, and the public opinion page.

Each test runs the appraisal service under gunicorn, sets up through its REST API as an office
would, drives Chromium, and checks what was stored through the API and the event bus.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import TARGETS, audit, focus_ring, screenshot, tab_to

STRICT_CSP = "script-src 'self'"


def organ_name(organ_id: str) -> str:
    return next(t["name"] for t in TARGETS if t["organ_id"] == organ_id)


def assert_strict_csp(response) -> None:
    policy = response.headers.get("content-security-policy", "")
    assert STRICT_CSP in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy, policy


def rate(page, dimension: str, level: str) -> None:
    """Choose `level` for `dimension` the way a person finds it: the radio labelled so, in the group
    whose legend names the dimension."""
    page.get_by_role("group", name=dimension).get_by_label(level, exact=True).check()


def submitted(service) -> list[dict]:
    return [e.data for e in service.published() if e.type == "QuestionnaireSubmitted"]


def test_answering_from_an_invitation_link_on_a_phone(service, phone, console):
    office = service.office
    campaign = office.open_campaign()
    batch, codes = office.invitations(campaign, count=3)
    link, code = codes[0]["url"], codes[0]["token"]
    assert link.endswith(f"/answer#{code}")  # the link of the CSV and of the printed QR codes
    sent_urls = []
    phone.on("request", lambda r: sent_urls.append(r.url) if not r.is_navigation_request() else None)

    page = phone.goto(link)
    assert_strict_csp(page)
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026年度群众评机关")
    expect(phone.locator(".facts")).to_contain_text("人大代表")
    audit(phone)
    screenshot(phone, "answer-1-intro")

    phone.get_by_role("button", name="开始评议").click()
    # Organ 1 of 4: every dimension, one of them 不了解, and an opinion.
    expect(phone.locator(".progress-text")).to_have_text("第 1/4 个单位")
    expect(phone.get_by_role("heading", level=1)).to_have_text("市交通运输局")
    expect(phone.get_by_role("radio")).to_have_count(5 * 4)
    for dimension, level in [("服务大局", "满意"), ("工作质量", "基本满意"), ("服务态度", "不满意"),
                             ("干部作风", "不了解"), ("机关形象", "满意")]:
        rate(phone, dimension, level)
    phone.get_by_label("对本单位的意见和建议（选填）").fill("窗口办事排队时间长，建议增加网上预约。")
    audit(phone)
    screenshot(phone, "answer-2-organ-1")
    phone.get_by_role("button", name="下一个单位").click()

    # Organ 2: skipped.
    expect(phone.locator(".progress-text")).to_have_text("第 2/4 个单位")
    expect(phone.get_by_role("heading", level=1)).to_have_text("章贡区人民法院")
    phone.get_by_role("button", name="跳过此单位").click()

    # Organ 3: 不了解 throughout. Organ 4: two dimensions only; then back to organ 3 and forward
    # again: the answers stay.
    expect(phone.locator(".progress-text")).to_have_text("第 3/4 个单位")
    for dimension in ["服务大局", "工作质量", "服务态度", "干部作风", "机关形象"]:
        rate(phone, dimension, "不了解")
    phone.get_by_role("button", name="下一个单位").click()
    expect(phone.locator(".progress-text")).to_have_text("第 4/4 个单位")
    rate(phone, "服务态度", "满意")
    rate(phone, "工作质量", "基本满意")
    phone.get_by_role("button", name="上一个单位").click()
    expect(phone.get_by_role("group", name="机关形象").get_by_label("不了解", exact=True)).to_be_checked()
    phone.get_by_role("button", name="下一个单位").click()
    expect(phone.get_by_role("group", name="服务态度").get_by_label("满意", exact=True)).to_be_checked()
    phone.get_by_role("button", name="下一步").click()

    phone.get_by_label("对机关作风建设的总体意见和建议（选填）").fill("希望各单位公开办事流程和时限。")
    screenshot(phone, "answer-3-overall")
    phone.get_by_role("button", name="检查答卷").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("检查并提交")
    expect(phone.locator(".lead")).to_contain_text("已评价 3 个单位")
    court = phone.locator(".review-item", has=phone.get_by_role("heading", name="章贡区人民法院"))
    expect(court).to_contain_text("已跳过")
    audit(phone)
    screenshot(phone, "answer-4-review")
    phone.get_by_role("button", name="提交问卷").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("提交成功，感谢您的参与！")
    assert "#" not in phone.url  # the spent code leaves the address bar
    audit(phone)
    screenshot(phone, "answer-5-done")

    # Exactly that questionnaire was stored: one answer on the batch, one event with those ratings.
    assert office.batches(campaign)[batch]["returned"] == 1
    events = submitted(service)
    assert len(events) == 1
    event = events[0]
    assert (event["campaign_id"], event["batch_id"], event["respondent_category"], event["channel"]) == (
        campaign, batch, "npc_deputy", "online")
    assert event["ratings"] == [  # one row per organ answered (QuestionnaireSubmitted v2)
        {"organ_id": "traffic", "serving_overall": "satisfied", "work_quality": "basically_satisfied",
         "service_attitude": "dissatisfied", "cadre_conduct": "unknown", "organ_image": "satisfied"},
        {"organ_id": "tax", **{d: "unknown" for d in
                               ["serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image"]}},
        {"organ_id": "youth", "work_quality": "basically_satisfied", "service_attitude": "satisfied"},
    ]
    assert event["organ_opinions"] == [{"organ_id": "traffic", "text": "窗口办事排队时间长，建议增加网上预约。"}]
    assert event["overall_opinion"] == "希望各单位公开办事流程和时限。"

    # The same link again, freshly loaded: the spent code is said so, in place.
    phone.goto("about:blank")
    phone.goto(link)
    expect(phone.locator("#token-errors")).to_contain_text("此邀请码已使用")
    expect(phone.get_by_label("邀请码")).to_have_value(code)
    expect(phone.get_by_label("邀请码")).to_have_attribute("aria-invalid", "true")
    audit(phone)
    screenshot(phone, "answer-6-spent")

    # The code travelled only in request bodies, never in a URL the server saw.
    assert sent_urls and not [u for u in sent_urls if code in u]
    console.assert_clean()


def test_invalid_code_validation_and_closed_campaign(service, phone, console):
    office = service.office
    campaign = office.open_campaign()
    _, codes = office.invitations(campaign, count=3)
    base = service.url

    # No code in the link: a field to type or paste one; empty is refused in place.
    assert_strict_csp(phone.goto(base + "/answer"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("问卷测评")
    phone.get_by_role("button", name="打开问卷").click()
    expect(phone.locator("#token-errors")).to_have_text("请输入邀请码。")
    audit(phone)

    # A forged code: 403, said in Chinese in place.
    forged = codes[0]["token"][:-4] + "0000"
    phone.get_by_label("邀请码").fill(forged)
    phone.get_by_role("button", name="打开问卷").click()
    expect(phone.locator("#token-errors")).to_contain_text("邀请码无效")
    audit(phone)
    screenshot(phone, "errors-1-invalid-code")

    # Pasting the whole link of a genuine code opens its questionnaire.
    phone.get_by_label("邀请码").fill(codes[1]["url"])
    phone.get_by_role("button", name="打开问卷").click()
    expect(phone.get_by_role("button", name="开始评议")).to_be_visible()
    phone.get_by_role("button", name="开始评议").click()
    rate(phone, "服务态度", "基本满意")
    # A reload (phones do that) keeps what was answered so far in this tab.
    phone.reload()
    phone.get_by_role("button", name="继续填写").click()
    expect(phone.get_by_role("group", name="服务态度").get_by_label("基本满意", exact=True)).to_be_checked()
    for _ in range(3):
        phone.get_by_role("button", name="下一个单位").click()
    phone.get_by_role("button", name="下一步").click()

    # An overall opinion longer than the service accepts (the page's own limit removed): the
    # service's 422 is shown naming the field, in Chinese; fixed, the same answers go through.
    overall = phone.get_by_label("对机关作风建设的总体意见和建议（选填）")
    overall.evaluate("(el) => el.removeAttribute('maxlength')")
    overall.fill("太长" * 2001)
    phone.get_by_role("button", name="检查答卷").click()
    phone.get_by_role("button", name="提交问卷").click()
    expect(phone.locator("#review-errors")).to_contain_text("总体意见：字数应在 1 到 4000 之间")
    audit(phone)
    screenshot(phone, "errors-2-validation", full_page=False)  # the screen as shown: the error in view
    phone.get_by_role("button", name="修改总体意见").click()
    phone.get_by_label("对机关作风建设的总体意见和建议（选填）").fill("简短的意见")
    phone.get_by_role("button", name="检查答卷").click()
    phone.get_by_role("button", name="提交问卷").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("提交成功，感谢您的参与！")
    [event] = submitted(service)
    assert event["ratings"] == [{"organ_id": "traffic", "service_attitude": "basically_satisfied"}]
    assert event["overall_opinion"] == "简短的意见"

    # A closed campaign takes no answers: said so when the link is opened (here in the same tab,
    # where a new fragment is no reload).
    office.close(campaign)
    phone.goto(codes[2]["url"])
    expect(phone.locator("#token-errors")).to_contain_text("本次评议活动目前不接受答卷")
    screenshot(phone, "errors-3-closed")
    console.assert_clean(403, 409, 422)


def test_keyboard_only(service, phone, console):
    """Tab, arrows, Space and Enter alone take a respondent through the questionnaire; the focus is
    always visible."""
    office = service.office
    campaign = office.open_campaign()
    _, codes = office.invitations(campaign, count=1)
    phone.goto(codes[0]["url"])
    keys = phone.keyboard

    tab_to(phone, "#start")
    assert focus_ring(phone).startswith("3px solid")
    keys.press("Enter")
    expect(phone.locator(".progress-text")).to_have_text("第 1/4 个单位")

    # Each group: Tab into it, then Space on the first choice or arrows to another.
    chosen = {}
    for dimension, arrows in [("serving_overall", 0), ("work_quality", 1), ("service_attitude", 2),
                              ("cadre_conduct", 3), ("organ_image", 0)]:
        keys.press("Tab")
        assert phone.evaluate("document.activeElement.name") == f"dim-{dimension}"
        for _ in range(arrows):
            keys.press("ArrowDown")
        if not arrows:
            keys.press("Space")
        assert focus_ring(phone).startswith("3px solid")
        chosen[dimension] = phone.evaluate("document.activeElement.value")
    screenshot(phone, "keyboard-1-radio-focus")
    assert chosen == {"serving_overall": "satisfied", "work_quality": "basically_satisfied",
                      "service_attitude": "dissatisfied", "cadre_conduct": "unknown", "organ_image": "satisfied"}
    keys.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "organ-opinion"
    keys.type("键盘输入的意见")
    tab_to(phone, "#next")
    assert focus_ring(phone).startswith("3px solid")
    keys.press("Enter")

    # The other organs skipped, then on to the review and submit, all by keyboard.
    for n in (2, 3, 4):
        expect(phone.locator(".progress-text")).to_have_text(f"第 {n}/4 个单位")
        tab_to(phone, "#skip")
        keys.press("Enter")
    tab_to(phone, "#next")  # past the overall opinion
    keys.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("检查并提交")
    tab_to(phone, "#submit")
    screenshot(phone, "keyboard-2-submit-focus")
    keys.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("提交成功，感谢您的参与！")

    [event] = submitted(service)
    assert event["ratings"] == [{"organ_id": "traffic", **chosen}]
    assert event["organ_opinions"] == [{"organ_id": "traffic", "text": "键盘输入的意见"}]
    assert event["overall_opinion"] is None
    console.assert_clean()


def test_public_opinion_page(service, phone, console):
    office = service.office
    # One opinion per device per hour, and more are refused (429), so the page meets the limit.
    campaign = office.open_campaign(opinion_limits={"per_device_per_hour": 1, "over_limit": "block"})

    page = phone.goto(service.url + "/public/")
    assert_strict_csp(page)
    expect(phone.get_by_role("heading", level=1)).to_have_text("网上征求意见")
    expect(phone.locator("form")).to_contain_text("2026年度群众评机关")
    organ = phone.get_by_label("意见针对的单位")
    expect(organ.locator("option")).to_have_count(1 + len(TARGETS))
    expect(organ).to_have_value("")  # 总体意见 unless an organ is chosen
    audit(phone)
    screenshot(phone, "public-1-form")

    # Checked in the page first, in Chinese, beside the field.
    phone.get_by_label("手机号码（选填）").fill("12345")
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.locator("#text-error")).to_have_text("请填写意见内容")
    expect(phone.locator("#phone-error")).to_contain_text("11 位数字")
    audit(phone)
    screenshot(phone, "public-2-checks")

    organ.select_option(label=organ_name("tax"))
    phone.get_by_label("意见和建议").fill("办税大厅周末能否开放半天？")
    phone.get_by_label("手机号码（选填）").fill("13800000000")
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("意见已提交，感谢您的参与！")
    audit(phone)
    screenshot(phone, "public-3-thanks")

    [stored] = office.opinions(campaign)
    assert (stored["organ_id"], stored["organ_name"], stored["text"], stored["channel"], stored["flags"]) == (
        "tax", "市税务局", "办税大厅周末能否开放半天？", "online", [])
    device = phone.evaluate("localStorage.getItem('shuangwan-device-id')")
    assert re.fullmatch(r"[0-9a-f]{32}", device)
    [event] = [e.data for e in service.published() if e.type == "OpinionSubmitted"]
    assert event["device_hash"] and event["phone_hash"] and event["ip_hash"]
    assert device not in str(event) and "13800000000" not in str(event)

    # A second opinion from the same device within the hour: refused, said so in place, text kept.
    phone.get_by_role("button", name="再提一条意见").click()
    phone.get_by_label("意见和建议").fill("再补充一条：希望延长午间办理时间。")
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.locator("#opinion-errors")).to_contain_text("提交过于频繁")
    expect(phone.get_by_label("意见和建议")).to_have_value("再补充一条：希望延长午间办理时间。")
    audit(phone)
    screenshot(phone, "public-4-rate-limited")
    assert len(office.opinions(campaign)) == 1
    console.assert_clean(429)


def lose_answers(phone, path: str) -> list[str]:
    """From now on, requests to `path` reach the service and their answers never reach the phone;
    the list fills with the Idempotency-Key each was sent with."""
    keys = []

    def answer_lost(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.fetch()   # the service receives the request and stores it…
        route.abort()   # …and its answer never reaches the phone

    phone.route(path, answer_lost)
    return keys


def opinion_sent_and_answer_lost(service, phone, text: str) -> tuple[str, list[str]]:
    """An open campaign and an opinion sent from the public page whose answer never comes back:
    the campaign, and the keys the opinion was sent with."""
    campaign = service.office.open_campaign()
    phone.goto(service.url + "/public/")
    keys = lose_answers(phone, "**/opinions")
    phone.get_by_label("意见和建议").fill(text)
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.locator("#opinion-errors")).to_contain_text("网络连接失败")
    return campaign, keys


def test_an_opinion_whose_answer_was_lost_is_sent_again_and_stored_once(service, phone, console):
    """The network drops the answer to a sent opinion: the page says so and keeps the text; sent
    again, it carries the same Idempotency-Key, is answered as the first time, and is stored once."""
    office = service.office
    campaign, keys = opinion_sent_and_answer_lost(service, phone, "希望公布各窗口的办理时限。")
    expect(phone.get_by_label("意见和建议")).to_have_value("希望公布各窗口的办理时限。")
    assert len(office.opinions(campaign)) == 1

    phone.unroute("**/opinions")
    with phone.expect_response("**/opinions") as again:
        phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("意见已提交，感谢您的参与！")
    assert re.fullmatch(r"[0-9a-f]{32}", keys[0])
    assert again.value.request.headers["idempotency-key"] == keys[0]
    assert again.value.headers["idempotent-replayed"] == "true"
    assert [o["text"] for o in office.opinions(campaign)] == ["希望公布各窗口的办理时限。"]
    assert not console.errors


def test_an_opinion_changed_after_its_answer_was_lost_is_sent_under_a_new_key(service, phone, console):
    """The answer to a sent opinion is lost and the citizen rewrites it before sending again: the
    changed text goes under a new Idempotency-Key (the service refuses a key with another body) and
    is stored beside the first."""
    office = service.office
    campaign, keys = opinion_sent_and_answer_lost(service, phone, "希望公布各窗口的办理时限。")

    phone.unroute("**/opinions")
    phone.get_by_label("意见和建议").fill("希望公布各窗口的办理时限，并在网上可查。")
    with phone.expect_response("**/opinions") as again:
        phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("意见已提交，感谢您的参与！")
    assert again.value.status == 201 and again.value.request.headers["idempotency-key"] != keys[0]
    assert sorted(o["text"] for o in office.opinions(campaign)) == [
        "希望公布各窗口的办理时限。", "希望公布各窗口的办理时限，并在网上可查。"]
    assert not console.errors


def test_csp_is_enforced_and_violations_are_caught(service, phone, console):
    """The check the other tests rely on: an inline script or style on these pages is refused by the
    browser, and the refusal shows on the console the tests watch."""
    service.office.open_campaign()
    phone.goto(service.url + "/public/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("网上征求意见")
    assert not console.csp_violations()
    ran = phone.evaluate("""() => {
      window.inlineRan = false;
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      const styled = document.createElement("div");
      styled.setAttribute("style", "color: red");
      document.body.append(styled);
      return window.inlineRan;
    }""")
    assert ran is False
    for _ in range(50):  # violations are reported asynchronously
        violations = " ".join(console.csp_violations())
        if "script-src" in violations and "style-src" in violations:
            break
        phone.wait_for_timeout(100)
    assert "script-src" in violations and "style-src" in violations, console.messages
