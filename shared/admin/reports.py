"""`shuangwan export` (a report table as a spreadsheet) and `shuangwan rebuild` (the reporting
projections, from the topics)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from shared.admin.client import Unreachable
from shared.admin.common import client, office_option

FORMATS = ("xlsx", "csv")
TABLE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


def _table(ctx, param, value: str) -> str:
    path = value.strip().strip("/")
    path = path.removeprefix("reports/")
    if not TABLE.fullmatch(path):
        raise click.BadParameter(f"{value!r} is not a report table, e.g. overview, problems/overdue, "
                                 "appraisal/<campaign id>/organs")
    return path


def _params(ctx, param, values) -> list[tuple[str, str]]:
    out = []
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not key=value (e.g. by=organ, from=2026-01-01)")
        if key == "format":
            raise click.BadParameter("give the format with --format")
        out.append((key, val))
    return out


@click.command(help="Export a report table of the reporting service as a spreadsheet (xlsx) or CSV (UTF-8 with "
                    "BOM). TABLE is the report's path under /reports, e.g. overview, visits, cadres, problems, "
                    "problems/overdue, appraisal/campaigns, appraisal/<campaign id>/organs; narrow it with "
                    "--param (region=360702, by=organ, from=2026-01-01, to=…, week=2026-W40, as_of=…).")
@click.option("--reporting", "reporting_url", required=True, envvar="SHUANGWAN_REPORTING_URL", show_envvar=True,
              help="Base URL of the reporting service, e.g. http://127.0.0.1:8003.")
@office_option
@click.argument("table", callback=_table)
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="xlsx or csv (default: from --out's suffix).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@click.option("--param", "-p", "params", multiple=True, callback=_params, metavar="KEY=VALUE",
              help="A query parameter of the report (repeatable).")
def export(reporting_url: str, region: str, table: str, fmt: str | None, out: Path,
           params: list[tuple[str, str]]) -> None:
    if fmt is None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise click.BadParameter(f"cannot tell the format from {out.name!r}; give --format xlsx or csv",
                                     param_hint="--format")
    if not out.parent.is_dir():
        raise click.BadParameter(f"no directory {out.parent}", param_hint="--out")
    reporting = client(reporting_url, "reporting", region, "viewer", "--reporting")
    try:
        answer = reporting.request("GET", f"/reports/{table}", params=[*params, ("format", fmt)], accept="*/*")
    except Unreachable as exc:
        raise click.ClickException(str(exc)) from None
    if answer.status == 404:
        raise click.ClickException(f"the reporting service has no table {table!r} ({answer.describe()})")
    if not answer.ok:
        raise click.ClickException(f"the reporting service refused the export: {answer.describe()}")
    content_type = answer.headers.get("Content-Type", "")
    if "json" in content_type or "html" in content_type:
        raise click.ClickException(f"expected a {fmt} file, got {content_type or 'no content type'}")
    out.write_bytes(answer.body)
    click.echo(f"{table} ({fmt}, {len(answer.body)} bytes) written to {out}")


@click.command(help="Rebuild every reporting projection from the start of the topics, then switch to it "
                    "(what `python -m services.reporting rebuild` does). Run it where the reporting service runs: "
                    "it reads the same settings (SHUANGWAN_REPORTING_… or SHUANGWAN_…: office region, bus URL, "
                    "projection store URL, topic prefix). Queries and the live consumer go on with the old "
                    "projections until the switch.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
def rebuild(progress: bool | None) -> None:
    from services.reporting.app import context as reporting_context
    from services.reporting.runner import rebuild as run_rebuild
    from shared.bus import BusUnavailable
    from shared.eventstore import StoreUnavailable

    show = sys.stderr.isatty() if progress is None else progress
    try:
        context = reporting_context()
        click.echo(f"rebuilding the projections of office {context.settings.office_region} from "
                   f"{', '.join(context.topics)}", err=True)
        if show:
            from tqdm import tqdm
            with tqdm(unit="event", desc="rebuilding", total=0, file=sys.stderr) as bar:
                def step(handled: int, remaining: int) -> None:
                    bar.total = bar.n + handled + remaining
                    bar.update(handled)
                generation = run_rebuild(context, step)
        else:
            generation = run_rebuild(context)
    except (BusUnavailable, StoreUnavailable) as exc:
        raise click.ClickException(f"cannot rebuild: {exc}") from None
    click.echo(f"generation {generation} is now active")
