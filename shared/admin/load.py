"""`shuangwan load organs|cadres FILE`: registers organs or cadres from a CSV or XLSX file through
the visits service's API, so every row passes the same checks as one typed in by an office.

Every row is checked first (required values, vocabularies, region codes and jurisdiction, organ
references, repeats within the file). If any row is invalid, nothing is written: the command
lists every bad row (row number, field, reason) and exits with status 1. Rows that match a
record already registered are skipped, so a file can be loaded again after a fix. A row the
service still refuses while loading is reported the same way and also makes the exit status 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click

from shared.admin.client import ServiceClient, ServiceRefused, Unreachable
from shared.admin.common import (RowError, choices, client, fail, match, office_option, report_errors,
                                 service_errors)
from shared.admin.sheets import Row, SheetError, read_rows
from shared.contracts.visits import ORGAN_CATEGORIES, RANKS
from shared.regions import UnknownRegion, default_regions, within

ORGAN_COLUMNS = {
    "name": ("名称", "单位名称", "机关名称"),
    "category": ("类别", "序列", "单位类别"),
    "region": ("地区代码", "区划代码", "行政区划代码"),
}
CADRE_COLUMNS = {
    "name": ("姓名",),
    "rank": ("职级",),
    "position": ("职务",),
    "organ_id": ("单位编号",),
    "organ": ("单位", "单位名称", "所在单位", "organ_name"),
}


@dataclass
class Planned:
    row: int
    body: dict
    label: str


@dataclass
class Plan:
    writes: list[Planned]
    skipped: list[tuple[int, str]]
    errors: list[RowError]


def _common(f):
    f = click.option("--errors", "errors_out", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also write the error report to this CSV file (row, field, value, reason).")(f)
    f = click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")(f)
    f = click.option("--sheet", help="The sheet of an .xlsx file to read (default: the first).")(f)
    f = office_option(f)
    f = click.option("--visits", "visits_url", required=True, envvar="SHUANGWAN_VISITS_URL", show_envvar=True,
                     help="Base URL of the visits service, e.g. http://127.0.0.1:8001.")(f)
    f = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(f)
    return f


@click.group(help="Load organs or cadres from a CSV or XLSX file through the visits service.\n\n"
                  "The first row holds the headers (English keys or Chinese names). If any row is "
                  "invalid nothing is written, every bad row is reported (row, field, reason) and the "
                  "exit status is 1. Rows already registered are skipped.")
def load() -> None:
    pass


@load.command(help="Register organs (机关单位). Columns: name (名称), category (类别: code or Chinese "
                   "name, e.g. government or 政府部门(单位)), region (地区代码; blank: your office's region).")
@_common
def organs(file: Path, visits_url: str, region: str, sheet: str | None, dry_run: bool, errors_out: Path | None):
    visits = client(visits_url, "visits", region, "admin", "--visits")
    rows = _rows(file, ORGAN_COLUMNS, ("name", "category"), sheet)
    existing = _fetch(lambda: {(o["name"], o["region"]): o["id"] for o in visits.pages("/organs")})
    _run(file, plan_organs(rows, region, existing), visits, "/organs", dry_run, errors_out, "organs")


@load.command(help="Register cadres (干部). Columns: name (姓名), rank (职级: code or Chinese name, e.g. "
                   "section or 正科级), position (职务, optional), and the organ: organ_id (单位编号) or "
                   "organ (单位: the name of an organ already registered in your jurisdiction).")
@_common
def cadres(file: Path, visits_url: str, region: str, sheet: str | None, dry_run: bool, errors_out: Path | None):
    visits = client(visits_url, "visits", region, "admin", "--visits")
    rows = _rows(file, CADRE_COLUMNS, ("name", "rank"), sheet)
    if rows and "organ_id" not in rows[0].values and "organ" not in rows[0].values:
        raise click.ClickException(f"{file.name}: no organ column: give organ_id (单位编号) or organ (单位)")
    known = _fetch(lambda: list(visits.pages("/organs")))
    existing = _fetch(lambda: {(c["organ_id"], c["name"], c.get("position") or "") for c in visits.pages("/cadres")})
    _run(file, plan_cadres(rows, known, existing), visits, "/cadres", dry_run, errors_out, "cadres")


# --- planning: pure functions of the rows and what exists ------------------------------------------

def plan_organs(rows: list[Row], office: str, existing: dict[tuple[str, str], str]) -> Plan:
    plan = Plan([], [], [])
    seen: dict[tuple[str, str], int] = {}
    regions = default_regions()
    for row in rows:
        v = row.values
        errors = []
        name = _text(row, "name", 200, errors, required=True)
        category = _choice(row, "category", ORGAN_CATEGORIES, "an organ category", errors)
        code = v.get("region") or office
        try:
            code = regions.get(code).code
            if not within(office, code):
                errors.append(RowError(row.number, "region", f"{code} is outside the jurisdiction of office {office}", code))
        except UnknownRegion:
            errors.append(RowError(row.number, "region", f"{code!r} is not a known region code", code))
        if errors:
            plan.errors += errors
            continue
        key = (name, code)
        if key in seen:
            plan.errors.append(RowError(row.number, "name", f"repeats row {seen[key]} (same name and region)", name))
        elif key in existing:
            plan.skipped.append((row.number, f"{name} ({code}) is already registered as {existing[key]}"))
        else:
            seen[key] = row.number
            plan.writes.append(Planned(row.number, {"name": name, "category": category, "region": code},
                                       f"{name} ({code})"))
    return plan


def plan_cadres(rows: list[Row], organs: list[dict], existing: set[tuple[str, str, str]]) -> Plan:
    plan = Plan([], [], [])
    by_id = {o["id"]: o for o in organs}
    by_name: dict[str, list[dict]] = {}
    for o in organs:
        by_name.setdefault(o["name"], []).append(o)
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        v = row.values
        errors = []
        name = _text(row, "name", 100, errors, required=True)
        rank = _choice(row, "rank", RANKS, "a rank", errors)
        position = _text(row, "position", 200, errors)
        organ, field = None, "organ_id" if v.get("organ_id") else "organ"
        if v.get("organ_id"):
            organ = by_id.get(v["organ_id"])
            if organ is None:
                errors.append(RowError(row.number, "organ_id", "no organ with this id in your jurisdiction",
                                       v["organ_id"]))
        elif v.get("organ"):
            found = by_name.get(v["organ"], [])
            if len(found) == 1:
                organ = found[0]
            elif not found:
                errors.append(RowError(row.number, "organ", "no organ of this name in your jurisdiction; "
                                                            "load the organs first", v["organ"]))
            else:
                ids = ", ".join(f"{o['id']} ({o['region']})" for o in found)
                errors.append(RowError(row.number, "organ", f"several organs have this name: give organ_id, one of {ids}",
                                       v["organ"]))
        else:
            errors.append(RowError(row.number, field, "is required (organ_id or organ)"))
        if errors:
            plan.errors += errors
            continue
        key = (organ["id"], name, position)
        if key in seen:
            plan.errors.append(RowError(row.number, "name", f"repeats row {seen[key]} (same name, organ and position)",
                                        name))
        elif key in existing:
            plan.skipped.append((row.number, f"{name} of {organ['name']} is already registered"))
        else:
            seen[key] = row.number
            body = {"organ_id": organ["id"], "name": name, "rank": rank, **({"position": position} if position else {})}
            plan.writes.append(Planned(row.number, body, f"{name} ({organ['name']})"))
    return plan


def _text(row: Row, field: str, limit: int, errors: list[RowError], required: bool = False) -> str:
    """The row's text in `field`; a missing (when required) or too long one adds its error."""
    text = row.values.get(field, "")
    if required and not text:
        errors.append(RowError(row.number, field, "is required"))
    elif len(text) > limit:
        errors.append(RowError(row.number, field, f"longer than {limit} characters", text[:40] + "…"))
    return text


def _choice(row: Row, field: str, vocabulary, what: str, errors: list[RowError]) -> str | None:
    """The code the row's `field` names in `vocabulary` (by code or Chinese name); None, with its
    error added, when it is missing or names nothing there."""
    given = row.values.get(field, "")
    code = match(given, vocabulary)
    if code is None:
        reason = "is required" if not given else f"{given!r} is not {what}; one of: {choices(vocabulary)}"
        errors.append(RowError(row.number, field, reason, given))
    return code


# --- running a plan ---------------------------------------------------------------------------------

def _rows(file: Path, columns: dict, required: tuple[str, ...], sheet: str | None) -> list[Row]:
    try:
        rows, ignored = read_rows(file, columns, required, sheet)
    except SheetError as exc:
        raise click.ClickException(str(exc)) from None
    if ignored:
        click.echo(f"{file.name}: ignoring columns {', '.join(map(repr, ignored))}", err=True)
    return rows


def _fetch(read: Callable):
    try:
        return read()
    except Unreachable as exc:
        raise click.ClickException(str(exc)) from None
    except ServiceRefused as exc:
        raise click.ClickException(f"the visits service refused to list what exists: {exc}") from None


def _run(file: Path, plan: Plan, visits: ServiceClient, path: str, dry_run: bool, errors_out: Path | None,
         what: str) -> None:
    source = file.name
    for number, why in plan.skipped:
        click.echo(f"{source}: row {number} skipped: {why}", err=True)
    if plan.errors:
        report_errors(plan.errors, errors_out, source)
        bad = len({e.row for e in plan.errors})
        click.echo(f"{source}: {bad} invalid row(s); nothing was loaded. Fix them and run the command again.",
                   err=True)
        fail(1)
    if dry_run:
        click.echo(f"{source}: {len(plan.writes)} {what} would be registered, {len(plan.skipped)} already are "
                   "(dry run: nothing written)")
        return
    failed: list[RowError] = []
    loaded = 0
    for item in plan.writes:
        try:
            answer = visits.request("POST", path, json=item.body)
        except Unreachable as exc:
            click.echo(f"{source}: {loaded} {what} registered before the service stopped answering "
                       f"(row {item.row} and later were not); running again skips those registered.", err=True)
            raise click.ClickException(str(exc)) from None
        if answer.ok:
            loaded += 1
        else:
            failed += service_errors(item.row, answer)
    summary = f"{source}: {loaded} {what} registered, {len(plan.skipped)} already registered"
    if failed:
        report_errors(failed, errors_out, source)
        click.echo(f"{summary}, {len({e.row for e in failed})} refused by the service", err=True)
        fail(1)
    click.echo(summary)
