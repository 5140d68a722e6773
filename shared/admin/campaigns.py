"""`shuangwan campaign create|open` and `shuangwan invitations`: appraisal campaigns and their
one-time invitation codes, through the appraisal service's API."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from shared.admin.client import Unreachable
from shared.admin.common import choices, client, match, office_option
from shared.contracts.appraisal import RESPONDENT_CATEGORIES

APPRAISAL_OPTION = click.option("--appraisal", "appraisal_url", required=True, envvar="SHUANGWAN_APPRAISAL_URL",
                                show_envvar=True, help="Base URL of the appraisal service, e.g. http://127.0.0.1:8002.")
MAX_BATCH = 10000


def _call(appraisal, method: str, path: str, body: dict | None = None, what: str = "the request"):
    try:
        answer = appraisal.request(method, path, json=body)
    except Unreachable as exc:
        raise click.ClickException(str(exc)) from None
    if not answer.ok:
        raise click.ClickException(f"the appraisal service refused {what}: {answer.describe()}")
    return answer


@click.group(help="Appraisal campaigns (评议活动): draft one from a JSON file, then open it.")
def campaign() -> None:
    pass


@campaign.command(help="Draft a campaign from a JSON file (the body of POST /campaigns: title, targets, "
                       "respondent_categories, and optionally starts_on, ends_on, scoring, opinion_limits, "
                       "questionnaire). Prints the new campaign's id.")
@APPRAISAL_OPTION
@office_option
@click.option("--file", "file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The campaign's definition, JSON (UTF-8).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole campaign as JSON instead of its id.")
def create(appraisal_url: str, region: str, file: Path, as_json: bool) -> None:
    try:
        definition = json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file.name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                   f"column {exc.colno}") from None
    if not isinstance(definition, dict):
        raise click.ClickException(f"{file.name} must hold one JSON object (the campaign), not a {type(definition).__name__}")
    appraisal = client(appraisal_url, "appraisal", region, "admin", "--appraisal")
    created = _call(appraisal, "POST", "/campaigns", definition, f"the campaign in {file.name}").json()
    if as_json:
        click.echo(json.dumps(created, ensure_ascii=False, indent=2))
    else:
        click.echo(created["id"])
        click.echo(f"drafted {created['title']!r} for {created['region']}: {len(created['targets'])} target organ(s), "
                   f"{len(created['respondent_categories'])} respondent categor(y/ies); open it with "
                   f"`shuangwan campaign open {created['id']}`", err=True)


@campaign.command("open", help="Open a drafted campaign for answers; its definition and questionnaire "
                               "version are frozen from then on.")
@APPRAISAL_OPTION
@office_option
@click.argument("campaign_id")
def open_(appraisal_url: str, region: str, campaign_id: str) -> None:
    appraisal = client(appraisal_url, "appraisal", region, "admin", "--appraisal")
    opened = _call(appraisal, "POST", f"/campaigns/{campaign_id}/open", {}, f"to open campaign {campaign_id}").json()
    click.echo(f"campaign {opened['id']} is {opened['status']} (questionnaire version "
               f"{opened['questionnaire']['version']})")


def _category(ctx, param, value):
    code = match(value, RESPONDENT_CATEGORIES)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a respondent category; one of: {choices(RESPONDENT_CATEGORIES)}")
    return code


@click.command(help="Issue a batch of one-time invitation codes (邀请码) of an open campaign for one respondent "
                    "category, and write them to a CSV file (serial, token, url) to hand out or print. The file "
                    "holds live codes: keep it like a password.")
@APPRAISAL_OPTION
@office_option
@click.option("--campaign", "campaign_id", required=True, help="The campaign's id.")
@click.option("--category", required=True, callback=_category,
              help="The respondent category: its code (e.g. npc_deputy) or Chinese name (e.g. 人大代表).")
@click.option("--count", required=True, type=click.IntRange(1, MAX_BATCH), help=f"How many codes (1–{MAX_BATCH}).")
@click.option("--label", help="A label for the batch, e.g. 章贡区人大代表第一批.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The CSV file to write.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def invitations(appraisal_url: str, region: str, campaign_id: str, category: str, count: int, label: str | None,
                out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise click.BadParameter(f"{out} exists (it may hold another batch's codes); use --force to overwrite",
                                 param_hint="--out")
    if not out.parent.is_dir():
        raise click.BadParameter(f"no directory {out.parent}", param_hint="--out")
    appraisal = client(appraisal_url, "appraisal", region, "admin", "--appraisal")
    body = {"respondent_category": category, "count": count, **({"label": label} if label else {})}
    batch = _call(appraisal, "POST", f"/campaigns/{campaign_id}/invitation-batches", body,
                  f"the invitation batch for campaign {campaign_id}").json()
    codes = _call(appraisal, "GET", f"/batches/{batch['id']}/invitations.csv", None,
                  f"the codes of batch {batch['id']}")
    # Live codes: readable by the file's owner only.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(codes.body)
    click.echo(f"batch {batch['id']}: {batch['count']} invitation(s) for {category} "
               f"({RESPONDENT_CATEGORIES[category]}) written to {out}")
