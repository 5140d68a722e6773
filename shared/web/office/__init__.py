"""The offices' forms (办公室录入), served by the write services themselves at `/office/`:

- `/office/visit` (visits service) — log a visit: cadres, place, activities, people reached,
  assistance delivered (三送) and the problems raised, which go onto the ledger;
- `/office/visits` (visits service) — the visits logged, by date, organ, place and status, and a
  visit logged in error cancelled (撤销);
- `/office/reports` (visits service) — research reports: the leading cadres who still owe one,
  and a report entered for a cadre;
- `/office/roster` (visits service) — the organs and their cadres: a cadre's rank, position or
  organ changed (a promotion, a transfer), a cadre or an organ registered;
- `/office/points` (visits service) — construction points and their 三个一: what each still lacks,
  instructors, funds and computers recorded, a point registered;
- `/office/pairings` (visits service) — pairings (结对帮扶, 结对共建): started, days on site
  logged, ended;
- `/office/practices` (visits service) — good practices reported by organs, and published
  (内刊内网) or declined by the working committee;
- `/office/meetings` (visits service) — report meetings on advanced grassroots examples
  (先进典型报告会, 三学): recorded with the examples who reported and the attendance; one recorded in
  error cancelled (撤销);
- `/office/paper` (appraisal service) — key in paper questionnaires (纸质问卷录入): a paper batch of
  an open campaign, its organs × the five dimensions as a grid, opinions, one form after another;
- `/office/opinions` (appraisal service) — the online opinions of a campaign: each registered on
  the problem ledger (and assigned to its organ at once, if wished), or hidden if abusive;
- `/office/campaigns` (appraisal service) — appraisal campaigns, the working committee's side:
  drafted (target organs, respondent categories and quotas, copied from an earlier campaign if
  wished) and amended (with its scoring and online opinion limits); its questionnaire reworded (a
  new version); opened, sealed, closed; invitation codes issued and downloaded (CSV, or a sheet
  with QR codes to print), paper batches recorded; an organ's low-rated dimension put on the
  problem ledger for rectification (整改); with `?campaign=<id>&organ=<id>` (the dashboard's
  ranking links so), that campaign alone with its rectification form open for the organ;
- `/office/problems` (both write services) — the problem ledger of the service's jurisdiction,
  and each problem moved along it: 交办, 退回, 办理进展, 承诺期限, 办结, 回访; with
  `?problem=<id>` (the dashboard's overdue list links so), that one problem alone;

The REST API stays the offices' main interface; these pages are a person's way into the same
endpoints. HTML with scripts and a stylesheet (on top of /common/pages.css and pages.js, which the
citizens' pages share), no inline script or style (the services' Content-Security-Policy allows
none); the pages share one layout, with links to the pages this service serves and, where their
addresses are configured (SHUANGWAN_PUBLIC_URLS), to the other services' pages and the dashboard.
The page asks for the office token once and keeps it in the tab's sessionStorage, under the key
the dashboard uses too. Signed in with a viewer's token, a page shows the records and says that it
cannot record or change them: its forms and the records' steps are not offered (the API would
refuse them). `/office/terms.json` gives the pages the Chinese names of the codes they
show (place types, activities, ranks, pairing kinds, publishing channels, organ, respondent and
problem categories, dimensions, levels, statuses, channels, opinion flags, regions), from the same tables
the services validate against, so no list is written twice. The API's messages are told in
Chinese by static/messages.js.
A plain Flask blueprint, not a REST resource: it stays out of the OpenAPI document.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from flask import Blueprint, abort, jsonify, make_response, redirect, render_template, url_for

from shared.contracts.appraisal import (CAMPAIGN_STATUSES, CHANNELS, DIMENSIONS, LEVELS, OPINION_FLAGS,
                                        ORGAN_CATEGORIES, OVER_LIMIT_ACTIONS, RESPONDENT_CATEGORIES)
from shared.contracts.visits import ACTIVITIES, PAIRING_KINDS, PLACE_TYPES, PUBLISH_CHANNELS, RANKS
from shared.ledger.events import CATEGORIES
from shared.ledger.problem import STATUS_NAMES
from shared.regions import default_regions

HERE = Path(__file__).resolve().parent
PAGE_NAMES = {
    "visit": "记录走访", "visits": "走访记录", "reports": "调研报告", "roster": "单位和干部", "points": "建设点三个一",
    "pairings": "结对帮扶", "practices": "经验做法", "meetings": "先进典型报告会", "paper": "纸质问卷录入",
    "opinions": "网上意见处理", "campaigns": "评议活动", "problems": "问题台账",
}
# Which pages each write service serves, in its menu's order; the first is its landing page.
SERVICE_PAGES = {
    "visits": ("visit", "visits", "reports", "roster", "points", "pairings", "practices", "meetings", "problems"),
    "appraisal": ("paper", "opinions", "campaigns", "problems"),
}
# Each web service as the others' pages link to it, where its address is configured
# (SHUANGWAN_PUBLIC_URLS): its name and its landing page.
SITES = {"visits": ("下基层走访", "office/"), "appraisal": ("群众评机关", "office/"), "reporting": ("数据看板", "dashboard/")}
SOURCE_NAMES = {"visit": "下基层走访", "questionnaire": "问卷测评", "opinion": "网上意见"}


def terms(pages: Sequence[str]) -> dict:
    """What the pages show for the codes the API speaks."""
    return {
        "place_types": PLACE_TYPES, "activities": ACTIVITIES, "pairing_kinds": PAIRING_KINDS,
        "publish_channels": PUBLISH_CHANNELS, "respondent_categories": RESPONDENT_CATEGORIES,
        "organ_categories": ORGAN_CATEGORIES, "campaign_statuses": CAMPAIGN_STATUSES, "ranks": RANKS,
        "dimensions": DIMENSIONS, "levels": LEVELS, "over_limit_actions": OVER_LIMIT_ACTIONS,
        "channels": CHANNELS, "opinion_flags": OPINION_FLAGS,
        "problem_categories": CATEGORIES, "problem_sources": SOURCE_NAMES, "problem_statuses": STATUS_NAMES,
        # The service keeps organs (and so can offer them as responsible units) where it logs visits.
        "organs": "visit" in pages,
        "regions": [{"code": r.code, "name": r.name, "tier": r.tier, "parent": r.parent}
                    for r in default_regions().by_code.values()],
    }


def elsewhere(service: str, public_urls: dict[str, str]) -> list[tuple[str, str]]:
    """(name, address) of the other web services' landing pages whose addresses are configured."""
    return [(name, public_urls[site] + path) for site, (name, path) in SITES.items()
            if site != service and site in public_urls]


def office_pages(public_urls: dict[str, str]) -> dict[str, str]:
    """Where each write service whose address is configured serves these pages (`…/office/`), by
    its event family: where the dashboard sends an office to one of its problems
    (`problems?problem=<id>`) or to a campaign's rectification (`campaigns?campaign=<id>&organ=<id>`)."""
    return {service: public_urls[service] + "office/" for service in SERVICE_PAGES if service in public_urls}


def blueprint(pages: Sequence[str], links: Sequence[tuple[str, str]] = ()) -> Blueprint:
    """The offices' pages this service serves: some of PAGE_NAMES, in the menu's order, the first
    the landing page; `links`: (name, address) of the other services' pages (see `elsewhere`)."""
    unknown = set(pages) - set(PAGE_NAMES)
    if unknown:
        raise ValueError(f"no such office page: {', '.join(sorted(unknown))}")
    # Templates under templates/office/: one page layout (office/base.html) the pages extend.
    blp = Blueprint("office_pages", __name__, url_prefix="/office", static_folder=str(HERE / "static"),
                    static_url_path="/assets", template_folder=str(HERE / "templates"))
    known_terms = terms(pages)

    @blp.get("/")
    def index():
        return redirect(url_for(".page", name=pages[0]))

    @blp.get("/<name>")
    def page(name: str):
        if name not in pages:
            abort(404)
        menu = [(page, PAGE_NAMES[page]) for page in pages]
        response = make_response(render_template(f"office/{name}.html", page=name, menu=menu, elsewhere=links))
        response.headers["Cache-Control"] = "no-cache"
        return response

    @blp.get("/terms.json")
    def codes():
        response = jsonify(known_terms)
        response.headers["Cache-Control"] = "max-age=3600"
        return response

    return blp
