"""The query API on the in-memory fakes: access rules, parameters, exports."""
import csv
import html
import io
import json
import re

import pytest
from openpyxl import load_workbook

from services.reporting.app import create_app
from services.reporting.runner import LiveConsumer
from shared.bus.memory import MemoryBus
from shared.config import Settings
from tests.backends import SECRET, token
from tests.unit.reporting.support import FAST, message
from tests.unit.reporting.test_queries import CAMPAIGN, VISIT_EVENTS, appraisal_events, recorded


@pytest.fixture
def client():
    app = create_app(Settings(service="reporting", office_region="360700", projection_url="memory:", bus_url="memory:",
                              token_secret=SECRET, topic_prefix="t"))
    ctx = app.extensions["shuangwan"]
    ctx.bus = MemoryBus()
    sealed = recorded("appraisal", "CampaignSealed", "campaign-2", 3, dict(region="360700", reason=None,
                                                                            sealed_on="2026-10-04"))
    from tests.unit.reporting.support import campaign_events
    events = [*VISIT_EVENTS, *appraisal_events(),
              *campaign_events("campaign-2", "360700", [("organ-x", "交通局", "government")], [("retiree", 1, None)]),
              sealed]
    for family in ("visits", "appraisal"):
        ctx.bus.publish(f"t.{family}", [message(e) for e in events if e.family == family])
    LiveConsumer(ctx, FAST).catch_up()
    return app.test_client()


OCTOBER = "from=2026-10-01&to=2026-10-31"


def test_drill_down_and_default_region(client):
    city = client.get(f"/reports/visits?{OCTOBER}", headers=token("360700", "viewer"))
    assert city.status_code == 200, city.json
    assert city.json["region"] == {"code": "360700", "name": "赣州市"}
    assert city.json["period"] == {"from": "2026-10-01", "to": "2026-10-31"}
    assert [r["key"] for r in city.json["rows"]][:3] == ["360700", "360702", "360703"]
    assert city.json["total"]["funds_yuan"] == "1750.50"          # exact yuan, as a string
    assert city.json["columns"][0] == {"key": "key", "title": "地区代码", "kind": "text"}
    county = client.get(f"/reports/visits?{OCTOBER}", headers=token("360702", "viewer"))
    assert county.json["region"]["code"] == "360702" and county.json["total"]["visits"] == 2
    # A province caller on this city instance gets the city by default.
    assert client.get("/reports/overview", headers=token("360000", "viewer")).json["region"]["code"] == "360700"


def test_access_rules(client):
    assert client.get("/reports/visits").status_code == 401
    assert client.get("/reports/visits?region=360703", headers=token("360702", "viewer")).status_code == 403
    outside = client.get("/reports/visits?region=360100", headers=token("360000", "viewer"))
    assert outside.status_code == 403 and "serves office 360700" in outside.json["error"]["message"]
    assert client.get("/reports/dead-letters", headers=token("360700", "viewer")).status_code == 403
    assert client.get("/reports/dead-letters", headers=token("360702", "admin")).status_code == 403
    assert client.get("/reports/dead-letters", headers=token("360700", "admin")).status_code == 200
    generations = client.get("/reports/generations", headers=token("360700", "admin")).json
    assert generations["active"] == 1 and generations["collections"]["visits"] == 5


def test_parameters_are_checked(client):
    viewer = token("360700", "viewer")
    both = client.get("/reports/visits?week=2026-W41&from=2026-10-01", headers=viewer)
    assert both.status_code == 422 and "week" in both.json["error"]["fields"]
    assert client.get("/reports/visits?by=colour", headers=viewer).status_code == 422
    assert client.get("/reports/visits?from=2026-10-31&to=2026-10-01", headers=viewer).status_code == 422
    assert client.get("/reports/visits?region=369999", headers=viewer).status_code == 422
    week = client.get("/reports/visits/weekly?week=2026-W41", headers=viewer).json
    assert [(r["key"], r["visits"]) for r in week["rows"]] == [("2026-W41", 2)]


def test_appraisal_endpoints(client):
    viewer = token("360700", "viewer")
    organs = client.get(f"/reports/appraisal/{CAMPAIGN}/organs", headers=viewer)
    assert organs.status_code == 200
    x = next(r for r in organs.json["rows"] if r["key"] == "organ-x")
    assert (x["score"], x["grade_name"], x["rank_in_category"]) == (90.0, "满意", 1)
    y = next(r for r in organs.json["rows"] if r["key"] == "organ-y")
    assert y["score"] == 56.6667                                   # 170/3, rounded for display only
    sealed = client.get("/reports/appraisal/campaign-2/organs", headers=viewer)
    assert sealed.status_code == 409 and sealed.json["error"]["code"] == "sealed"
    assert client.get("/reports/appraisal/nope/organs", headers=viewer).status_code == 404
    assert client.get(f"/reports/appraisal/{CAMPAIGN}/organs", headers=token("360702", "viewer")).status_code == 404
    campaigns = client.get("/reports/appraisal/campaigns", headers=viewer).json
    assert {r["key"]: r["sealed"] for r in campaigns["rows"]} == {CAMPAIGN: False, "campaign-2": True}
    opinions = client.get(f"/reports/appraisal/{CAMPAIGN}/opinions", headers=viewer).json
    assert opinions["hidden"] == 1 and len(opinions["rows"]) == 3


def test_xlsx_export_has_chinese_headers_and_numbers(client):
    response = client.get(f"/reports/visits?{OCTOBER}&format=xlsx", headers=token("360700", "viewer"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    lines = list(sheet.values)
    assert lines[0][:4] == ("地区代码", "地区", "走访次数", "参与干部人数")
    county = next(line for line in lines if line[0] == "360702")
    assert county[2] == 2 and isinstance(county[2], int)
    assert float(county[lines[0].index("送资金(元)")]) == 1750.5
    assert lines[-1][0] == "合计" and lines[-1][2] == 3
    rates = load_workbook(io.BytesIO(client.get(f"/reports/cadres?{OCTOBER}&format=xlsx",
                                                headers=token("360700", "viewer")).data)).active
    header = [c.value for c in rates[1]]
    coverage = rates.cell(row=rates.max_row, column=header.index("领导干部覆盖率") + 1)
    assert coverage.value == 0.75 and coverage.number_format == "0.00%"


def test_csv_export_is_utf8_with_bom(client):
    response = client.get(f"/reports/appraisal/{CAMPAIGN}/organs?format=csv", headers=token("360700", "viewer"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["单位编号", "单位", "序列"]
    x = next(line for line in lines if line[0] == "organ-x")
    assert x[lines[0].index("综合得分")] == "90.0" and x[lines[0].index("序列末位")] == "否"


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json
    assert "/reports/appraisal/{campaign_id}/organs" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/reports/visits"]["get"]["parameters"]}
    assert {"region", "from", "to", "week", "by", "format"} <= params
    assert client.get("/docs").status_code == 200


def test_the_dashboard_links_to_the_offices_forms_where_their_addresses_are_configured(client):
    assert "办公室录入" not in client.get("/dashboard/").data.decode()  # none configured, none shown
    app = create_app(Settings(service="reporting", office_region="360700", projection_url="memory:", bus_url="memory:",
                              token_secret=SECRET, topic_prefix="t",
                              public_urls={"visits": "https://gz.example/visits/", "appraisal": "https://gz.example/appraisal/"}))
    page = app.test_client().get("/dashboard/").data.decode()
    assert '<a href="https://gz.example/visits/office/">下基层走访 ›</a>' in page
    assert '<a href="https://gz.example/appraisal/office/">群众评机关 ›</a>' in page
    # the office's ledger pages, for its own overdue problems to link to
    assert 'data-office="360700"' in page
    pages = re.search(r"data-offices='([^']*)'", page).group(1)
    assert json.loads(html.unescape(pages)) == {"appraisal": "https://gz.example/appraisal/office/",
                                                "visits": "https://gz.example/visits/office/"}
