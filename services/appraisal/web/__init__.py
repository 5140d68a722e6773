"""The citizens' pages, served by the appraisal service itself (no account, no CDN, phone first):

- `/answer` — the questionnaire an invitation opens; the code rides in the URL fragment
  (`/answer#<code>`), which the browser never sends: the page's script reads it and posts it to
  `POST /invitations/form` and `POST /responses`;
- `/public/` — the public opinion page (`GET /public/campaigns`, `POST /campaigns/<id>/opinions`).

Plain HTML with one script and one stylesheet (on top of /common/pages.css and pages.js, which
the offices' forms share, shared/web/static), all static files, so the service's strict
Content-Security-Policy (`script-src 'self'; style-src 'self'`) holds: no inline script or style.
A plain Flask blueprint, not a REST resource: it stays out of the OpenAPI document.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

HERE = Path(__file__).resolve().parent
PAGES = HERE / "templates"


def blueprint() -> Blueprint:
    blp = Blueprint("citizen_pages", __name__, static_folder=str(HERE / "static"), static_url_path="/assets")

    def page(name: str):
        response = send_from_directory(PAGES, name, mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @blp.get("/answer")
    def answer():
        """The questionnaire of an invitation (code in the fragment: `/answer#<code>`)."""
        return page("answer.html")

    @blp.get("/public/")
    def public():
        """The public opinion page (网上征求意见)."""
        return page("public.html")

    return blp
