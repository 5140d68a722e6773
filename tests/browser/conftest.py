"""Browser tests: the citizens' pages in Debian's Chromium, driven by Playwright for Python, against
the appraisal service running as a real gunicorn process on the embedded backend.

Chromium is the system's (`make browser` installs it, with a Chinese font); Playwright's own browser
downloads are never used. A missing Chromium fails these tests: it is never a reason to skip them.
`SHUANGWAN_CHROMIUM` names another Chromium binary. Screenshots of every key step go to
`test-artifacts/browser/`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.backends import *  # noqa: F401,F403
from tests.backends import Backend
from tests.browser.support import ARTIFACTS, Console, Office, new_page
from tests.processes import Processes

CHROMIUM = os.environ.get("SHUANGWAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A phone: the pages are phone first.
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
             locale="zh-CN", timezone_id="Asia/Shanghai")


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (`make browser`) "
                    "or point SHUANGWAN_CHROMIUM at one. Browser tests never skip.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Service:
    url: str
    backend: Backend
    office: Office

    def published(self) -> list:
        """Every event the service stored, relayed to the bus and read back from its topic."""
        from services.appraisal.app import context
        return self.backend.published(context(self.backend.settings("appraisal", office_region=Office.REGION)))


@pytest.fixture
def service(embedded, tmp_path):
    """The appraisal service under gunicorn (two workers) on this test's embedded backend."""
    processes = Processes(tmp_path)
    try:
        url = processes.api("appraisal", embedded.settings("appraisal", office_region=Office.REGION), workers=2)
        yield Service(url, embedded, Office(url))
    finally:
        processes.stop_all()


@pytest.fixture
def phone(chromium, request):
    """A fresh phone-sized browser context and its page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with new_page(chromium, PHONE, 15000) as page:
        yield page


@pytest.fixture
def console(phone) -> Console:
    """What the phone's page logs: console messages and uncaught errors."""
    return Console(phone)
