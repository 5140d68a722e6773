"""What the browser tests of the offices' forms share: the visits service under gunicorn on a
fresh embedded backend (two organs and their cadres registered through its API), its REST API as
the office's admin, a desk-sized page and its console, and signing in with an office token."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.backends import Backend, token
from tests.browser.support import Console, new_page
from tests.processes import Processes

REGION = "360700"  # 赣州市
COUNTY = "360702"  # 章贡区
ADMIN = token(REGION, "admin", subject="office-admin")
CLERK = token(REGION, "clerk", subject="office-clerk")
VIEWER = token(REGION, "viewer", subject="office-viewer")


class Visits:
    """The visits service's REST API, as the office's admin (or another token)."""

    def __init__(self, url: str):
        self.url, self.http = url, requests.Session()

    def call(self, method: str, path: str, expect: int = 200, headers=None, **kw) -> dict:
        response = self.http.request(method, self.url + path, headers=headers or ADMIN, timeout=30, **kw)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def organ(self, name: str, region: str) -> str:
        return self.call("POST", "/organs", 201, json={"name": name, "category": "government", "region": region})["id"]

    def cadre(self, organ_id: str, name: str, rank: str = "section") -> str:
        return self.call("POST", "/cadres", 201, json={"organ_id": organ_id, "name": name, "rank": rank})["id"]

    def problem(self, description: str, **more) -> dict:
        return self.call("POST", "/problems", 201, headers=CLERK,
                         json={"category": "infrastructure", "description": description, "region": COUNTY, **more})


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """The visits service under gunicorn on a fresh embedded backend, with two organs and their cadres."""
    tmp = tmp_path_factory.mktemp("office")
    backend = Backend("embedded", "office", tmp)
    processes = Processes(tmp)
    try:
        api = Visits(processes.api("visits", backend.settings("visits", office_region=REGION), workers=2))
        transport = api.organ("市交通运输局", REGION)
        water = api.organ("章贡区水利局", COUNTY)
        api.cadres = {"王建国": api.cadre(transport, "王建国", "county"), "李红": api.cadre(transport, "李红"),
                      "赵明": api.cadre(water, "赵明")}
        api.organs = {"transport": transport, "water": water}
        yield api
    finally:
        processes.stop_all()


@pytest.fixture
def desk(chromium):
    """A desk-sized page (the forms work on phones too; the citizens' tests cover phone layout)."""
    with new_page(chromium, dict(viewport={"width": 1100, "height": 900}, locale="zh-CN",
                                 timezone_id="Asia/Shanghai"), 15000) as page:
        yield page


@pytest.fixture
def desk_console(desk):
    return Console(desk)


def sign_in(page, url: str, header: dict) -> None:
    page.goto(url)
    page.fill("#token-input", header["Authorization"].split(" ", 1)[1])
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#work")).to_be_visible()


# --- a record's steps on a page (Office.steps and Office.stepForm) ----------------------------------

def open_step(card, name: str) -> None:
    """Open the form of the step `name` on a record's card."""
    card.locator(".actions").get_by_role("button", name=name, exact=True).click()


def send_step(card) -> None:
    """Send the step form open on the card."""
    card.locator("form.step button[type=submit]").click()


def step(card, name: str, fill=None) -> None:
    """Open the step `name`, fill it in with `fill()` if given, send it."""
    open_step(card, name)
    if fill:
        fill()
    send_step(card)
