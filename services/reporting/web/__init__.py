"""The offices' dashboard (`/dashboard/`), served by the reporting service itself.

One page (a template, for the links to the offices' forms), its scripts and stylesheet, so the
service's strict Content-Security-Policy (`script-src 'self'; style-src 'self'`) holds: no inline
script or style. The charts are drawn by
ECharts, served locally from `/vendor/` (the offices' machines have no internet).

The page asks for the office token once, keeps it in the tab's sessionStorage (as the offices'
forms do, through /common/pages.js, under the same key) and sends it as
`Authorization: Bearer …` on every call to the report API (`/reports/…`); tokens never appear in
URLs. Exports are fetched the same way (`format=xlsx` or `format=csv`) and saved from a Blob.
An overdue problem kept by this office's own services links to it on their ledger page, where the
addresses are configured (`data-offices` and `data-office` on the page's body), and so does an organ
of a campaign this office runs, to that campaign's rectification form.
A plain Flask blueprint, not a REST resource: it stays out of the OpenAPI document.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from flask import Blueprint, make_response, render_template

HERE = Path(__file__).resolve().parent


def blueprint(links: Sequence[tuple[str, str]] = (), pages: Mapping[str, str] | None = None,
              office: str = "") -> Blueprint:
    """`links`: (name, address) of the offices' forms of the other services, where configured;
    `pages`: where this office's write services serve their pages, by event family, where
    configured (`office`'s own problems and campaigns link to them)."""
    blp = Blueprint("dashboard", __name__, url_prefix="/dashboard", static_folder=str(HERE / "static"),
                    static_url_path="/assets", template_folder=str(HERE / "templates"))

    @blp.get("/")
    def index():
        """The offices' dashboard (数据看板)."""
        response = make_response(render_template("dashboard.html", elsewhere=links, pages=dict(pages or {}),
                                                 office=office))
        response.headers["Cache-Control"] = "no-cache"
        return response

    return blp
