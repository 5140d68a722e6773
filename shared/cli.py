"""`shuangwan`: the administrator's command line.

    shuangwan token --region 360702 --role clerk --subject 章贡区联络员
    shuangwan run                 # the whole system on the embedded default, with demo data
    shuangwan demo --visits http://127.0.0.1:8001 --appraisal http://127.0.0.1:8002
    shuangwan load organs organs.xlsx --visits URL --region 360702
    shuangwan load cadres cadres.csv --visits URL --region 360702
    shuangwan campaign create --appraisal URL --region 360700 --file campaign.json
    shuangwan campaign open CAMPAIGN_ID --appraisal URL --region 360700
    shuangwan invitations --appraisal URL --region 360700 --campaign ID --category npc_deputy --count 40 --out codes.csv
    shuangwan export overview --reporting URL --region 360700 --format xlsx --out overview.xlsx
    shuangwan rebuild             # the reporting projections, from the topics

The commands that reach a service issue their own short-lived token from SHUANGWAN_TOKEN_SECRET;
they live in shared/admin/, one module per command group.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import click

from shared.admin.campaigns import campaign, invitations
from shared.admin.load import load
from shared.admin.reports import export, rebuild
from shared.web.auth import ROLES, issue_token

SERVICES = ("visits", "appraisal", "reporting")


@click.group(help="Shuangwan (双万) administration.")
def main() -> None:
    pass


@main.command(help="Issue a signed office token (needs SHUANGWAN_TOKEN_SECRET).")
@click.option("--region", required=True, help="The office's 6-digit region code, e.g. 360702.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="viewer, clerk or admin.")
@click.option("--subject", required=True, help="Who the token is for (a person or a system).")
@click.option("--services", default=",".join(SERVICES), show_default=True, help="Services the token opens.")
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True, help="Days until it expires.")
def token(region: str, role: str, subject: str, services: str, days: int) -> None:
    secret = os.environ.get("SHUANGWAN_TOKEN_SECRET", "")
    audience = [s.strip() for s in services.split(",") if s.strip()]
    unknown = set(audience) - set(SERVICES)
    if unknown:
        raise click.BadParameter(f"unknown services: {', '.join(sorted(unknown))}", param_hint="--services")
    try:
        click.echo(issue_token(secret, subject, region, role, audience, days * 24 * 3600))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command(help="Run every service on the embedded default (SQLite under ./var) with demo data.")
@click.option("--data-dir", default="var", show_default=True, type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--base-port", default=8001, show_default=True, help="visits, appraisal, reporting: this and the next two.")
@click.option("--demo/--no-demo", default=True, show_default=True, help="Load demo data on first start.")
def run(data_dir: str, host: str, base_port: int, demo: bool) -> None:
    from shared.launcher import Launcher
    Launcher(Path(data_dir), host, base_port, demo).run()


@main.command(help="Write a seeded demo campaign (Ganzhou, 360700) through the services' APIs "
                    "(needs SHUANGWAN_TOKEN_SECRET, the services' token secret).")
@click.option("--visits", "visits_url", required=True, help="Base URL of the visits service.")
@click.option("--appraisal", "appraisal_url", required=True, help="Base URL of the appraisal service.")
@click.option("--seed", default=2010, show_default=True, help="The same seed writes the same campaign.")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0, 20, min_open=True),
              help="Multiplies the counts (1: a few thousand requests).")
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(2, 52),
              help="Weeks of activity, ending today (China Standard Time).")
def demo(visits_url: str, appraisal_url: str, seed: int, scale: float, weeks: int) -> None:
    import urllib.error
    from shared.demo import DemoError, HttpClients, generate
    secret = os.environ.get("SHUANGWAN_TOKEN_SECRET", "")
    if not secret:
        raise click.ClickException("SHUANGWAN_TOKEN_SECRET is not set: the demo issues its tokens with it.")
    clients = HttpClients({"visits": visits_url, "appraisal": appraisal_url}, secret)
    try:
        summary = generate(clients, seed=seed, weeks=weeks, scale=scale)
    except DemoError as exc:
        raise click.ClickException(f"a service refused a demo write: {exc}") from None
    except urllib.error.URLError as exc:
        raise click.ClickException(f"cannot reach the services: {exc.reason}") from None
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2))


for command in (load, campaign, invitations, export, rebuild):
    main.add_command(command)


def local_secret(data_dir: Path, name: str) -> str:
    """A secret for local runs, made once and kept in the data directory (never in the repository)."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


if __name__ == "__main__":
    sys.exit(main())
