"""What the administrator's commands share: the office option, the token secret, clients, row
errors and their report, vocabulary matching."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
import click

from shared.admin.client import ServiceClient
from shared.regions import UnknownRegion, default_regions, tier_of


def _region(ctx, param, value):
    if value is None:
        return value
    try:
        tier_of(value)
        return default_regions().get(value).code
    except UnknownRegion as exc:
        raise click.BadParameter(str(exc)) from None


def office_option(f):
    """`--region`: the office the command acts for (its token carries this region)."""
    return click.option("--region", envvar="SHUANGWAN_OFFICE_REGION", required=True, callback=_region,
                        show_envvar=True,
                        help="Your office's 6-digit region code, e.g. 360702; the command's token is "
                             "issued for it (its jurisdiction bounds what the command may touch).")(f)


def token_secret() -> str:
    secret = os.environ.get("SHUANGWAN_TOKEN_SECRET", "")
    if not secret:
        raise click.ClickException("SHUANGWAN_TOKEN_SECRET is not set: the command issues its token with "
                                   "the services' token secret (from the office's .env).")
    return secret


def client(url: str, service: str, region: str, role: str, param_hint: str) -> ServiceClient:
    try:
        return ServiceClient(url, service, token_secret(), region, role)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=param_hint) from None


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str
    value: str = ""


def report_errors(errors: list[RowError], out: Path | None, source: str) -> None:
    """The row-level report on stderr (and as CSV in `out`, for a spreadsheet program)."""
    errors = sorted(errors, key=lambda e: (e.row, e.field))
    for e in errors:
        click.echo(f"{source}: row {e.row}, {e.field}: {e.reason}", err=True)
    if out is not None:
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["row", "field", "value", "reason"])
            writer.writerows([e.row, e.field, e.value, e.reason] for e in errors)
        click.echo(f"error report written to {out}", err=True)


def fail(code: int = 1) -> None:
    """End the command with this exit status (after its report is printed)."""
    click.get_current_context().exit(code)


def match(value: str, vocabulary: dict[str, str]) -> str | None:
    """The code a value names: the code itself (any case), its Chinese label, or one of the
    alternatives of a label written `A/B` (e.g. 副处级 for 副处级/副县级)."""
    text = "".join(value.split())
    if text.lower() in vocabulary:
        return text.lower()
    for code, label in vocabulary.items():
        if text == label or text in label.split("/"):
            return code
    return None


def choices(vocabulary: dict[str, str]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in vocabulary.items())


def service_errors(row: int, answer) -> list[RowError]:
    """A refused write as row errors: one per field the service named, else one for the row."""
    error = answer.error()
    named = error.get("fields") or {}
    if named:
        return [RowError(row, name, "; ".join(map(str, reasons))) for name, reasons in named.items()]
    return [RowError(row, "-", f"refused by the service (HTTP {answer.status}): {error.get('message', '')}")]
