"""What the dashboard's browser tests need: the whole system as real processes with the demo
campaign loaded, the reporting API read the way the page reads it, the page's number formats
(to compare what the page shows with what the API answers), and the console and canvas checks.

The system: the visits and appraisal services (gunicorn) and their relays for the Ganzhou city
office (360700), where the demo writes; a reporting instance of the province office (360000,
gunicorn) and its live consumer, so a provincial office can drill province → city → county.
Everything runs on the embedded backend (SQLite files in a temporary directory).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

from shared.clock import today
from shared.demo import HttpClients, generate
from tests.backends import SECRET, Backend, token
from tests.browser.support import ARTIFACTS, Console  # noqa: F401  (the dashboard tests import Console from here)
from tests.processes import Processes

PROVINCE, CITY = "360000", "360700"
DEMO_SCALE = 0.2
TOKEN_KEY = "shuangwan.token"

# A desktop screen in an office: the dashboard is desktop first.
DESK = dict(viewport={"width": 1440, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai",
            accept_downloads=True)


def bearer(region: str, role: str = "admin", subject: str = "dashboard-office") -> str:
    """A raw office token (what an office pastes into the sign-in field)."""
    return token(region, role, subject=subject)["Authorization"][len("Bearer "):]


# --- the system ------------------------------------------------------------------------------------

@dataclass
class System:
    urls: dict[str, str]
    summary: dict
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def dashboard(self) -> str:
        return self.urls["reporting"] + "/dashboard/"

    def api(self, path: str, caller: str = PROVINCE, **params) -> dict:
        """A report as the page fetches it (JSON), as an office of `caller`."""
        params = {k: v for k, v in params.items() if v not in (None, "")}
        response = self.http.get(self.urls["reporting"] + "/reports/" + path, params=params,
                                 headers={"Authorization": "Bearer " + bearer(caller, "viewer", "test-reader")},
                                 timeout=30)
        assert response.status_code == 200, (path, params, response.status_code, response.text)
        return response.json()


def start(processes: Processes, backend: Backend) -> dict[str, str]:
    """Every process of the system; the services' base URLs once they answer /readyz."""
    visits = backend.settings("visits", office_region=CITY)
    appraisal = backend.settings("appraisal", office_region=CITY)
    reporting = backend.settings("reporting", office_region=PROVINCE)
    urls = {"visits": processes.api("visits", visits), "appraisal": processes.api("appraisal", appraisal),
            "reporting": processes.api("reporting", reporting)}
    processes.module("visits-relay", visits, "relay")
    processes.module("appraisal-relay", appraisal, "relay")
    processes.module("reporting-consumer", reporting, "consume")
    return urls


def load_demo(urls: dict[str, str]) -> dict:
    return generate(HttpClients({s: urls[s] for s in ("visits", "appraisal")}, SECRET), seed=2010, scale=DEMO_SCALE)


def wait_for_figures(system: System, processes: Processes, timeout: float = 180) -> None:
    """Until the reporting API shows what the demo wrote (relayed and consumed), and stays so."""
    expected_visits = system.summary["visits"] - system.summary["visits_cancelled"]
    deadline, last, steady = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        for name in ("visits-relay", "appraisal-relay", "reporting-consumer"):
            assert processes.children[name].poll() is None, f"{name} stopped: {processes.tail(name)}"
        overview = system.api("overview")["total"]
        campaigns = system.api("appraisal/campaigns")["rows"]
        now = (overview, [(c["key"], c["responses"], c["opinions"]) for c in campaigns])
        complete = (overview["visits"] == expected_visits and campaigns
                    and campaigns[0]["responses"] == system.summary["responses"])
        steady = steady + 1 if complete and now == last else 0
        if steady >= 2:
            return
        last = now
        time.sleep(1)
    raise AssertionError(f"the reporting API did not catch up with the demo in {timeout}s: {last}; "
                         f"consumer log: {processes.tail('reporting-consumer')}")


# --- the page's formats, in Python -----------------------------------------------------------------

DASH = "—"


def _one_decimal(value: float, scale: int) -> str:
    """As the page rounds: half up to one decimal, from the figure × 10⁴ as an integer."""
    units = round(abs(value) * 10000)
    step = 1000 // scale
    tenths = (units + step // 2) // step
    return ("-" if value < 0 else "") + f"{tenths // 10:,}.{tenths % 10}"


def shown(value, kind: str) -> str:
    """What the page shows for a value of a column kind (int, rate, score, days, yuan, text)."""
    if value is None or value == "":
        return DASH
    if kind == "int":
        return f"{value:,}"
    if kind == "rate":
        return _one_decimal(value, 100) + "%"
    if kind in ("score", "days"):
        return _one_decimal(value, 1)
    if kind == "yuan":
        whole, _, fraction = str(value).partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{int(whole.lstrip('-')):,}.{(fraction + '00')[:2]}"
    if kind == "flag":
        return "是" if value else ""
    return str(value)


def overall_satisfaction(dimensions: dict) -> float | None:
    """Σ satisfied ÷ Σ valid over every organ × dimension (the page's 总体满意率)."""
    satisfied = valid = 0
    for row in dimensions["rows"]:
        if row["valid_n"] and row["satisfaction_rate"] is not None:
            satisfied += round(row["satisfaction_rate"] * row["valid_n"])
            valid += row["valid_n"]
    return satisfied / valid if valid else None


def last_weeks(n: int) -> tuple[str, str]:
    """The page's 近N周: from the Monday N−1 weeks before this ISO week (CST) to today."""
    day = today()
    monday = day - timedelta(days=day.weekday()) - timedelta(weeks=n - 1)
    return monday.isoformat(), day.isoformat()


# --- the browser side ------------------------------------------------------------------------------

def loads(page) -> int:
    """How many views the page has finished loading (the page counts them on <body data-ready>)."""
    return page.evaluate("Number(document.body.dataset.ready || 0)")


def settle(page, action, timeout: float = 30000) -> None:
    """Do `action` (a click, a fill…) and wait until the page has loaded the view it leads to."""
    before = loads(page)
    action()
    page.wait_for_function("(n) => Number(document.body.dataset.ready || 0) > n", arg=before, timeout=timeout)


# How much of a chart's canvas is painted (sampled pixels with any opacity). Read from a copy, so
# the chart's own canvas is never read back (Chromium warns when one is read repeatedly).
PAINTED = """(id) => {
  const canvas = document.querySelector(`#${id} canvas`);
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const copy = document.createElement("canvas");
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext("2d", { willReadFrequently: true });
  context.drawImage(canvas, 0, 0);
  const data = context.getImageData(0, 0, copy.width, copy.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4 * 5) if (data[i] > 0) painted++;
  return painted;
}"""


def painted(page, chart_id: str) -> int:
    return page.evaluate(PAINTED, chart_id)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"dashboard-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def kpi(page, key: str) -> str:
    """The text of one headline figure."""
    return page.locator(f'.kpi[data-key="{key}"] .value').text_content().strip()


def cells(page, table_id: str, key: str) -> list[str]:
    """The cells of the row of `key` in a table the page drew."""
    return [t.strip() for t in page.locator(f'#{table_id} tbody tr[data-key="{key}"] > *').all_text_contents()]


def days_between(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days
