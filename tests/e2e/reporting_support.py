"""The whole system in one test: the visits and appraisal services writing, their relays carrying
events to the bus, and reporting offices consuming them and answering reports."""
from __future__ import annotations

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.reporting.runner import LiveConsumer
from services.visits.app import create_app as visits_app
from tests.backends import token

CITY, ZHANGGONG, NANKANG = "360700", "360702", "360703"
CITY_ADMIN = token(CITY, "admin", subject="city-office")
CITY_CLERK = token(CITY, "clerk", subject="city-clerk")


class System:
    def __init__(self, backend):
        self.backend = backend
        self.visits_app = visits_app(backend.settings("visits", office_region=CITY))
        self.appraisal_app = appraisal_app(backend.settings("appraisal", office_region=CITY))
        self.visits = self.visits_app.test_client()
        self.appraisal = self.appraisal_app.test_client()
        self.offices: dict[str, Office] = {}

    def relay(self) -> None:
        """Publish everything both services stored (what their relay processes do)."""
        for app in (self.visits_app, self.appraisal_app):
            context = app.extensions["shuangwan"]
            context.bus.ensure_topics([context.topic])
            context.relay().drain()

    def office(self, region: str) -> "Office":
        if region not in self.offices:
            self.offices[region] = Office(self.backend, region)
        return self.offices[region]

    def sync(self) -> None:
        """Relay, then let every reporting office catch up."""
        self.relay()
        for office in self.offices.values():
            office.catch_up()

    def close(self) -> None:
        for office in self.offices.values():
            office.consumer.close()


class Office:
    """One office's reporting instance: its web app and its live consumer."""

    def __init__(self, backend, region: str):
        self.region = region
        self.app = reporting_app(backend.settings("reporting", office_region=region))
        self.client = self.app.test_client()
        self.context = self.app.extensions["shuangwan"]
        self.consumer = LiveConsumer(self.context)
        self.context.bus.ensure_topics(self.context.topics)

    def catch_up(self) -> int:
        return self.consumer.catch_up(within=120)

    def get(self, path: str, region: str | None = None, role: str = "viewer", status: int = 200):
        response = self.client.get(path, headers=token(region or self.region, role))
        assert response.status_code == status, (path, response.status_code, response.json)
        return response.json

    def rows(self) -> dict:
        """Every row of the active generation, per collection, in a comparable order."""
        rows = self.context.rows()
        return {c: sorted(rows.find(c), key=lambda r: r["_id"]) for c in rows.collections()}


def post(client, url: str, body: dict, headers: dict, status: int = 201) -> dict:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, (url, response.json)
    return response.json


def by_key(table: dict) -> dict:
    return {r["key"]: r for r in table["rows"]}
