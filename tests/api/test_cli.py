"""The administrator's command line (`shuangwan`, shared/cli.py and shared/admin/) against the real
services: visits, appraisal and reporting under gunicorn and the two relays, as processes on the
embedded backend (SQLite files). The commands run in this process through click's CliRunner."""
from __future__ import annotations

import csv
import io
import json
import stat
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from shared import backends
from shared.bus import topic_for
from shared.cli import main
from tests.backends import SECRET, Backend, read_topic, token
from tests.processes import Processes, settings_env

CITY, ZHANGGONG, NANKANG, JIAN = "360700", "360702", "360703", "360800"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    backend = Backend("embedded", "cli", tmp)
    settings = {s: backend.settings(s, office_region=CITY) for s in ("visits", "appraisal", "reporting")}
    procs = Processes(tmp)
    try:
        procs.module("visits-relay", settings["visits"], "relay")
        procs.module("appraisal-relay", settings["appraisal"], "relay")
        urls = {s: procs.api(s, settings[s], workers=1) for s in settings}
        yield {"urls": urls, "settings": settings, "backend": backend, "procs": procs}
    finally:
        procs.stop_all()


@pytest.fixture
def cli(system):
    """Runs `shuangwan …` with the office's environment (token secret, region)."""
    runner = CliRunner()

    def run(*args, env: dict | None = None, secret: str | None = SECRET):
        environ = {"SHUANGWAN_TOKEN_SECRET": secret or "", "SHUANGWAN_OFFICE_REGION": CITY, **(env or {})}
        return runner.invoke(main, [str(a) for a in args], env=environ, catch_exceptions=False)

    return run


def visits_list(system, path: str, region: str = CITY) -> list[dict]:
    import requests
    answer = requests.get(system["urls"]["visits"] + path, params={"page_size": 500},
                          headers=token(region, "viewer"), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "干部名册"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def errors_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": row " in line and "skipped" not in line]


# --- help and bad invocations -------------------------------------------------------------------

def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help():
    runner = CliRunner()
    commands = list(all_commands(main))
    for expected in [("load", "organs"), ("load", "cadres"), ("campaign", "create"), ("campaign", "open"),
                     ("invitations",), ("export",), ("rebuild",), ("token",), ("demo",), ("run",)]:
        assert expected in commands
    for path in commands:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Usage: ") and len(result.output) > 80, path


def test_bad_invocations_fail_clearly(system, cli, tmp_path):
    organs = write_csv(tmp_path / "organs.csv", [["name", "category"], ["市档案馆", "government"]])
    visits = system["urls"]["visits"]

    result = cli("load", "organs", organs, "--visits", visits, secret=None)
    assert result.exit_code == 1 and "SHUANGWAN_TOKEN_SECRET is not set" in result.stderr

    result = cli("load", "organs", organs, "--visits", visits, "--region", "36070")
    assert result.exit_code == 2 and "not a 6-digit region code" in result.stderr

    result = cli("load", "organs", organs, "--visits", visits, "--region", "369999")
    assert result.exit_code == 2 and "unknown region code" in result.stderr

    result = cli("load", "organs", organs, "--visits", "ftp://example.org")
    assert result.exit_code == 2 and "not an http(s) URL" in result.stderr

    result = cli("load", "organs", organs, "--visits", "http://127.0.0.1:9")
    assert result.exit_code == 1 and "cannot reach the visits service" in result.stderr

    result = cli("load", "organs", tmp_path / "missing.csv", "--visits", visits)
    assert result.exit_code == 2 and "does not exist" in result.stderr

    (tmp_path / "organs.json").write_text("[]")
    result = cli("load", "organs", tmp_path / "organs.json", "--visits", visits)
    assert result.exit_code == 1 and "unsupported file type .json" in result.stderr

    no_category = write_csv(tmp_path / "no-category.csv", [["名称", "备注"], ["市档案馆", "x"]])
    result = cli("load", "organs", no_category, "--visits", visits)
    assert result.exit_code == 1 and "no column for category" in result.stderr

    (tmp_path / "broken.xlsx").write_bytes(b"not a zip file")
    result = cli("load", "cadres", tmp_path / "broken.xlsx", "--visits", visits)
    assert result.exit_code == 1 and "not a readable .xlsx workbook" in result.stderr

    result = cli("export", "overview", "--reporting", system["urls"]["reporting"], "--out", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "give --format xlsx or csv" in result.stderr

    result = cli("export", "../admin", "--reporting", system["urls"]["reporting"], "--out", tmp_path / "x.csv")
    assert result.exit_code == 2 and "is not a report table" in result.stderr

    assert visits_list(system, "/organs") == []


# --- load organs and cadres ---------------------------------------------------------------------

def test_load_organs_from_csv_reports_bad_rows_and_writes_nothing(system, cli, tmp_path):
    visits = system["urls"]["visits"]
    rows = [
        ["名称", "类别", "地区代码", "备注"],                 # row 1: Chinese headers, one column ignored
        ["赣州市交通运输局", "政府部门(单位)", "360700", ""],   # 2 fine
        ["章贡区人民法院", "courts", "360702", ""],             # 3 unknown category
        ["吉安市发展和改革委员会", "government", JIAN, ""],     # 4 outside the city's jurisdiction
        ["", "government", "360702", ""],                    # 5 no name
        ["南康区档案馆", "government", "360799", ""],          # 6 unknown region
        ["赣州市交通运输局", "government", "360700", ""],       # 7 repeats row 2
        ["", "", "", ""],                                     # blank: skipped
    ]
    path = write_csv(tmp_path / "organs.csv", rows)
    report = tmp_path / "errors.csv"
    result = cli("load", "organs", path, "--visits", visits, "--errors", report)
    assert result.exit_code == 1, result.output
    errors = errors_of(result)
    assert [e.split(":", 1)[1].split(":")[0].strip() for e in errors] == [
        "row 3, category", "row 4, region", "row 5, name", "row 6, region", "row 7, name"]
    assert "'courts' is not an organ category" in errors[0] and "government (政府部门(单位))" in errors[0]
    assert f"{JIAN} is outside the jurisdiction of office {CITY}" in errors[1]
    assert "is required" in errors[2]
    assert "'360799' is not a known region code" in errors[3]
    assert "repeats row 2" in errors[4]
    assert "ignoring columns '备注'" in result.stderr
    assert "5 invalid row(s); nothing was loaded" in result.stderr
    with open(report, encoding="utf-8-sig") as f:
        written = list(csv.DictReader(f))
    assert [(r["row"], r["field"]) for r in written] == [("3", "category"), ("4", "region"), ("5", "name"),
                                                        ("6", "region"), ("7", "name")]
    assert written[0]["value"] == "courts"
    assert [o for o in visits_list(system, "/organs") if o["name"] == "赣州市交通运输局"] == []


def test_load_organs_then_cadres_from_xlsx(system, cli, tmp_path):
    visits = system["urls"]["visits"]
    organs = write_csv(tmp_path / "organs.csv", [
        ["name", "category", "region"],
        ["赣州市交通运输局", "government", ""],               # blank region: the office's (360700)
        ["章贡区人民法院", "法院", 360702],
        ["南康区人民法院", "court", NANKANG],
        ["人民来访接待中心", "government", ZHANGGONG],        # the same name in two counties
        ["人民来访接待中心", "government", NANKANG],
    ], encoding="gb18030")  # what a spreadsheet program on a Chinese system saves
    dry = cli("load", "organs", organs, "--visits", visits, "--dry-run")
    assert dry.exit_code == 0 and "5 organs would be registered" in dry.stdout
    assert not [o for o in visits_list(system, "/organs") if o["name"] == "章贡区人民法院"]

    result = cli("load", "organs", organs, "--visits", visits)
    assert result.exit_code == 0, result.output
    assert "5 organs registered, 0 already registered" in result.stdout
    again = cli("load", "organs", organs, "--visits", visits)
    assert again.exit_code == 0 and "0 organs registered, 5 already registered" in again.stdout
    registered = {(o["name"], o["region"]): o for o in visits_list(system, "/organs")}
    assert registered[("赣州市交通运输局", CITY)]["category"] == "government"
    assert registered[("章贡区人民法院", ZHANGGONG)]["tier"] == "county"
    traffic = registered[("赣州市交通运输局", CITY)]["id"]

    bad = write_xlsx(tmp_path / "bad-cadres.xlsx", [
        ["姓名", "职级", "职务", "单位"],
        ["李明", "正处级", "局长", "赣州市交通运输局"],            # 2 fine
        ["王芳", "处长", "副局长", "赣州市交通运输局"],            # 3 no such rank
        ["陈刚", "section", "庭长", "赣州市中级人民法院"],         # 4 no such organ
        ["刘洋", "clerk", "", "人民来访接待中心"],                # 5 ambiguous organ
        [None, "clerk", "科员", "章贡区人民法院"],                # 6 no name
        ["赵磊", "section", "x" * 201, "章贡区人民法院"],         # 7 position too long
    ])
    result = cli("load", "cadres", bad, "--visits", visits)
    assert result.exit_code == 1, result.output
    errors = errors_of(result)
    assert [e.split(":", 1)[1].split(":")[0].strip() for e in errors] == [
        "row 3, rank", "row 4, organ", "row 5, organ", "row 6, name", "row 7, position"]
    assert "'处长' is not a rank" in errors[0]
    assert "no organ of this name in your jurisdiction" in errors[1]
    assert "several organs have this name: give organ_id" in errors[2]
    assert visits_list(system, "/cadres") == []

    good = write_xlsx(tmp_path / "cadres.xlsx", [
        ["name", "rank", "position", "organ", "organ_id"],
        ["李明", "正处级", "局长", "赣州市交通运输局", None],
        ["王芳", "副处级", "副局长", None, traffic],
        ["陈刚", "section", "庭长", "章贡区人民法院", None],
        ["刘洋", "科员及以下", None, None, registered[("人民来访接待中心", NANKANG)]["id"]],
    ])
    result = cli("load", "cadres", good, "--visits", visits)
    assert result.exit_code == 0, result.output
    assert "4 cadres registered" in result.stdout
    cadres = {c["name"]: c for c in visits_list(system, "/cadres")}
    assert cadres["李明"]["rank"] == "county" and cadres["李明"]["leading"] is True
    assert cadres["王芳"]["organ_id"] == traffic and cadres["王芳"]["rank"] == "deputy_county"
    assert cadres["陈刚"]["region"] == ZHANGGONG and cadres["陈刚"]["leading"] is True  # 科级 in a county organ
    assert cadres["刘洋"]["region"] == NANKANG and cadres["刘洋"]["leading"] is False
    again = cli("load", "cadres", good, "--visits", visits)
    assert again.exit_code == 0 and "0 cadres registered, 4 already registered" in again.stdout

    # A county office sees its own organs only: another county's organ is not there for it.
    county = write_csv(tmp_path / "county-cadres.csv", [["姓名", "职级", "单位"], ["周华", "section", "南康区人民法院"]])
    result = cli("load", "cadres", county, "--visits", visits, "--region", ZHANGGONG)
    assert result.exit_code == 1 and "row 2, organ: no organ of this name in your jurisdiction" in result.stderr


# --- campaigns and invitations ------------------------------------------------------------------

CAMPAIGN = {
    "title": "2026年度赣州市群众评机关",
    "targets": [{"organ_id": "traffic", "name": "赣州市交通运输局", "category": "government", "region": CITY}],
    "respondent_categories": [{"category": "npc_deputy", "quota": 40}, {"category": "farmer_or_resident", "quota": 200}],
}


def test_campaign_create_open_and_invitations(system, cli, tmp_path):
    appraisal = system["urls"]["appraisal"]
    spec = tmp_path / "campaign.json"
    spec.write_text(json.dumps(CAMPAIGN, ensure_ascii=False), encoding="utf-8")
    created = cli("campaign", "create", "--appraisal", appraisal, "--file", spec)
    assert created.exit_code == 0, created.output
    campaign_id = created.stdout.strip()
    assert campaign_id and "\n" not in campaign_id and "campaign open" in created.stderr

    # A category the campaign does not appraise with: the service refuses, no file is written.
    other = cli("invitations", "--appraisal", appraisal, "--campaign", campaign_id, "--category", "retiree",
                "--count", 3, "--out", tmp_path / "retirees.csv")
    assert other.exit_code == 1 and "refused the invitation batch" in other.stderr
    assert "no respondent category retiree" in other.stderr
    assert not (tmp_path / "retirees.csv").exists()

    opened = cli("campaign", "open", campaign_id, "--appraisal", appraisal)
    assert opened.exit_code == 0 and f"campaign {campaign_id} is open" in opened.stdout
    again = cli("campaign", "open", campaign_id, "--appraisal", appraisal)
    assert again.exit_code == 1 and "refused to open campaign" in again.stderr

    out = tmp_path / "npc.csv"
    issued = cli("invitations", "--appraisal", appraisal, "--campaign", campaign_id, "--category", "人大代表",
                 "--count", 5, "--label", "第一批", "--out", out)
    assert issued.exit_code == 0, issued.output
    assert "5 invitation(s) for npc_deputy (人大代表)" in issued.stdout
    with open(out, encoding="utf-8-sig") as f:
        codes = list(csv.DictReader(f))
    assert len(codes) == 5 and len({c["token"] for c in codes}) == 5
    assert all(c["url"].endswith("#" + c["token"]) for c in codes)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    # The campaign is open to them.
    import requests
    form = requests.get(f"{appraisal}/campaigns/{campaign_id}/form", timeout=10)
    assert form.status_code == 200 and form.json()["organs"][0]["name"] == "赣州市交通运输局"

    kept = cli("invitations", "--appraisal", appraisal, "--campaign", campaign_id, "--category", "npc_deputy",
               "--count", 5, "--out", out)
    assert kept.exit_code == 2 and "use --force" in kept.stderr
    bad_category = cli("invitations", "--appraisal", appraisal, "--campaign", campaign_id, "--category", "farmers",
                       "--count", 5, "--out", tmp_path / "x.csv")
    assert bad_category.exit_code == 2 and "not a respondent category" in bad_category.stderr
    too_many = cli("invitations", "--appraisal", appraisal, "--campaign", campaign_id, "--category", "retiree",
                   "--count", 0, "--out", tmp_path / "x.csv")
    assert too_many.exit_code == 2
    unknown = cli("invitations", "--appraisal", appraisal, "--campaign", "campaign-nope", "--category", "retiree",
                  "--count", 1, "--out", tmp_path / "x.csv")
    assert unknown.exit_code == 1 and "HTTP 404" in unknown.stderr


def test_campaign_create_rejects_bad_files(system, cli, tmp_path):
    appraisal = system["urls"]["appraisal"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x",\n "targets": [}', encoding="utf-8")
    result = cli("campaign", "create", "--appraisal", appraisal, "--file", broken)
    assert result.exit_code == 1 and "not valid JSON" in result.stderr and "line 2" in result.stderr

    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    result = cli("campaign", "create", "--appraisal", appraisal, "--file", listed)
    assert result.exit_code == 1 and "one JSON object" in result.stderr

    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({**CAMPAIGN, "title": ""}), encoding="utf-8")
    result = cli("campaign", "create", "--appraisal", appraisal, "--file", invalid)
    assert result.exit_code == 1 and "HTTP 422" in result.stderr and "title:" in result.stderr

    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({**CAMPAIGN, "region": JIAN}), encoding="utf-8")
    result = cli("campaign", "create", "--appraisal", appraisal, "--file", outside)
    assert result.exit_code == 1 and "HTTP 403" in result.stderr


# --- rebuild and export -------------------------------------------------------------------------

def wait_published(system, family: str, types: set[str], count: int, timeout: float = 60) -> None:
    """Until the relay has carried `count` events of `types` to the bus."""
    settings = system["settings"]["visits"]
    bus = backends.event_bus(settings.bus_url)
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = sum(e.type in types for e in read_topic(bus, topic_for(family, settings.topic_prefix), timeout=30))
        if seen >= count:
            return
        time.sleep(0.5)
    raise AssertionError(f"only {seen} of {count} {family} events published after {timeout}s")


def test_rebuild_then_export(system, cli, tmp_path):
    visits, reporting = system["urls"]["visits"], system["urls"]["reporting"]
    organs = write_csv(tmp_path / "organs.csv", [["name", "category", "region"],
                                                 ["赣州市统计局", "government", CITY],
                                                 ["章贡区统计局", "government", ZHANGGONG]])
    assert cli("load", "organs", organs, "--visits", visits).exit_code == 0
    cadres = write_csv(tmp_path / "cadres.csv", [["name", "rank", "organ"],
                                                 ["钱进", "county", "赣州市统计局"],
                                                 ["孙丽", "clerk", "赣州市统计局"],
                                                 ["吴昊", "section", "章贡区统计局"]])
    assert cli("load", "cadres", cadres, "--visits", visits).exit_code == 0
    expected = {c["region"]: 0 for c in visits_list(system, "/cadres")}
    for c in visits_list(system, "/cadres"):
        expected[c["region"]] += 1
    wait_published(system, "visits", {"CadreRegistered"}, sum(expected.values()))

    env = settings_env(system["settings"]["reporting"])
    first = cli("rebuild", "--no-progress", env=env)
    assert first.exit_code == 0, first.output
    assert "generation" in first.stdout and "is now active" in first.stdout
    generation = int(first.stdout.split()[1])
    second = cli("rebuild", env=env)
    assert second.exit_code == 0 and f"generation {generation + 1} is now active" in second.stdout

    xlsx = tmp_path / "cadres.xlsx"
    result = cli("export", "cadres", "--reporting", reporting, "--format", "xlsx", "--out", xlsx)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if "干部人数" in r)
    header = values[header_at]
    by_code = {r[header.index("地区代码")]: r for r in values[header_at + 1:] if r and r[header.index("地区代码")]}
    for region, count in expected.items():
        assert by_code[region][header.index("干部人数")] == count, (region, by_code.get(region))

    csv_out = tmp_path / "cadres-by-organ.csv"
    result = cli("export", "cadres", "--reporting", reporting, "--out", csv_out, "-p", "by=organ",
                 "-p", f"region={ZHANGGONG}")
    assert result.exit_code == 0, result.output
    text = csv_out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("章贡区统计局" in r for r in rows) and not any("赣州市统计局" in r for r in rows)

    missing = cli("export", "no-such-table", "--reporting", reporting, "--out", tmp_path / "x.csv")
    assert missing.exit_code == 1 and "has no table 'no-such-table'" in missing.stderr
    refused = cli("export", "overview", "--reporting", reporting, "--out", tmp_path / "x.csv",
                  "-p", f"region={JIAN}")
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    bad_param = cli("export", "overview", "--reporting", reporting, "--out", tmp_path / "x.csv", "-p", "by")
    assert bad_param.exit_code == 2 and "is not key=value" in bad_param.stderr
