"""Shared set-up of the appraisal API tests: an app on the test's backend and an open campaign."""
from __future__ import annotations

from services.appraisal.app import create_app
from tests.backends import token

CITY = "360700"
ADMIN = token(CITY, "admin", subject="office-admin")
CLERK = token(CITY, "clerk", subject="liaison-1")
TARGETS = [
    {"organ_id": "traffic", "name": "市交通运输局", "category": "government", "region": "360700"},
    {"organ_id": "court", "name": "章贡区人民法院", "category": "court", "region": "360702"},
]
RESPONDENTS = [{"category": "npc_deputy", "quota": 40}, {"category": "farmer_or_resident", "quota": 200}]


def appraisal_app(backend):
    app = create_app(backend.settings("appraisal", office_region=CITY))
    return app, app.test_client()


def open_campaign(client, **changes) -> str:
    body = {"title": "2026年度群众评机关", "targets": TARGETS, "respondent_categories": RESPONDENTS, **changes}
    created = client.post("/campaigns", json=body, headers=ADMIN)
    assert created.status_code == 201, created.json
    opened = client.post(f"/campaigns/{created.json['id']}/open", json={}, headers=ADMIN)
    assert opened.status_code == 200, opened.json
    return created.json["id"]


def context(app):
    return app.extensions["shuangwan"]
