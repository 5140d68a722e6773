"""What the browser tests share: the office side of the running service (set-up and checks through
its REST API), fresh pages, the console collector, the page audit (labels, groups, contrast) and
screenshots."""
from __future__ import annotations

import contextlib
import csv
import io
import re

import requests

from tests.backends import token
from tests.processes import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"

# Reports every Content-Security-Policy violation on the console too, whatever the browser logs itself.
CSP_REPORTER = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});"""


@contextlib.contextmanager
def new_page(chromium, options: dict, timeout_ms: int):
    """A page in a fresh browser context made with `options` (viewport, locale…), reporting CSP
    violations on its console; the context is closed afterwards."""
    context = chromium.new_context(**options)
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        yield page
    finally:
        context.close()

TARGETS = [
    {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": "360700"},
    {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": "360702"},
    {"organ_id": "tax", "name": "市税务局", "category": "stationed", "region": "360700"},
    {"organ_id": "youth", "name": "共青团赣州市委", "category": "mass_organisation", "region": "360700"},
]
RESPONDENTS = [{"category": "npc_deputy", "quota": 40}, {"category": "farmer_or_resident", "quota": 200}]


class Office:
    """The office's side, through the service's REST API."""

    REGION = "360700"
    ADMIN = token(REGION, "admin", subject="office-admin")
    VIEWER = token(REGION, "viewer", subject="office-viewer")

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()

    def call(self, method: str, path: str, headers=None, expect: int = 200, **kw):
        response = self.http.request(method, self.url + path, headers=headers or self.ADMIN, timeout=30, **kw)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response

    def open_campaign(self, **changes) -> str:
        body = {"title": "2026年度群众评机关", "targets": TARGETS, "respondent_categories": RESPONDENTS, **changes}
        campaign = self.call("POST", "/campaigns", json=body, expect=201).json()["id"]
        self.call("POST", f"/campaigns/{campaign}/open", json={})
        return campaign

    def close(self, campaign: str) -> None:
        self.call("POST", f"/campaigns/{campaign}/close", json={})

    def invitations(self, campaign: str, count: int = 3, category: str = "npc_deputy") -> tuple[str, list[dict]]:
        """Issue a batch; its codes and links as the CSV export gives them."""
        batch = self.call("POST", f"/campaigns/{campaign}/invitation-batches",
                          json={"respondent_category": category, "count": count}, expect=201).json()["id"]
        text = self.call("GET", f"/batches/{batch}/invitations.csv").content.decode("utf-8-sig")
        return batch, list(csv.DictReader(io.StringIO(text)))

    def batches(self, campaign: str) -> dict[str, dict]:
        items = self.call("GET", f"/campaigns/{campaign}/batches", headers=self.VIEWER).json()["items"]
        return {b["id"]: b for b in items}

    def opinions(self, campaign: str) -> list[dict]:
        return self.call("GET", f"/campaigns/{campaign}/opinions", headers=self.VIEWER).json()["items"]


class Console:
    """Console messages and uncaught errors of a page, and the check that nothing went wrong."""

    FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")

    def __init__(self, page):
        self.messages: list[tuple[str, str]] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.messages.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def csp_violations(self) -> list[str]:
        return [text for _, text in self.messages
                if "Content Security Policy" in text or text.startswith("CSP violation")]

    def assert_clean(self, *expected_statuses: int) -> None:
        """No JS error, no CSP violation, no console error or warning but the failed requests
        (4xx answers the page shows in place) the test expected."""
        assert not self.errors, f"uncaught errors: {self.errors}"
        assert not self.csp_violations(), f"CSP violations: {self.csp_violations()}"
        unexpected = []
        for kind, text in self.messages:
            if kind not in ("error", "warning"):
                continue
            failed = self.FAILED_LOAD.search(text)
            if failed and int(failed.group(1)) in expected_statuses:
                continue
            unexpected.append((kind, text))
        assert not unexpected, f"console errors/warnings: {unexpected}"


def screenshot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    at = page.evaluate("[window.scrollX, window.scrollY]")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    # Chromium's full-page capture of a page scrolled down leaves the next click to a stale scroll
    # offset (it reaches no element); scrolling away and back puts the page where it was, clickable.
    page.evaluate("([x, y]) => { window.scrollTo(0, 0); window.scrollTo(x, y); }", at)


# Runs in the page: what a person with a screen reader, a keyboard or weak sight would trip over.
AUDIT = r"""() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  if (document.documentElement.lang !== "zh-CN") problems.push("html lang is not zh-CN");
  const viewport = document.querySelector('meta[name="viewport"]');
  if (!viewport || !/width=device-width/.test(viewport.content)) problems.push("no phone viewport meta");
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!el.labels || !el.labels.length || !el.labels[0].textContent.trim()) problems.push(`no label: #${el.id}`);
  }
  for (const radio of document.querySelectorAll('input[type="radio"]')) {
    const fieldset = radio.closest("fieldset");
    if (!fieldset || !fieldset.querySelector(":scope > legend")) problems.push(`radio outside a fieldset with legend: #${radio.id}`);
  }
  for (const el of document.querySelectorAll("button")) {
    if (!el.textContent.trim() && !el.getAttribute("aria-label")) problems.push("button without a name");
  }
  // Contrast of every visible piece of text against the background it sits on.
  const rgba = (s) => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = rgba(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) return bg;
    }
    return [255, 255, 255, 1];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    if (el.closest("[disabled], .skip-link, noscript, option")) continue;
    const fg = rgba(getComputedStyle(el).color), bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} < 4.5: "${el.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}"""


def audit(page) -> None:
    problems = page.evaluate(AUDIT)
    assert not problems, problems


def focus_ring(page) -> str:
    """The outline the keyboard focus shows (on a radio, drawn on its label)."""
    return page.evaluate("""() => {
      let el = document.activeElement;
      if (el.type === "radio" && el.labels.length) el = el.labels[0];
      const s = getComputedStyle(el);
      return s.outlineStyle === "none" ? "" : `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`;
    }""")


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")
