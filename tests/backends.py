"""Test fixtures that run a service on either backend: the embedded default (SQLite files) or
the distributed one (MongoDB protocol + Kafka, on the real servers the harness starts).

Use from a conftest: `from tests.backends import *  # noqa: F401,F403`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from shared.bus import topic_for
from shared.config import Settings
from shared.envelope import Recorded, from_bytes
from shared.web.auth import issue_token

SECRET = "test-secret-that-is-long-enough-for-hs256!"
ALL_SERVICES = ["visits", "appraisal", "reporting"]


@dataclass
class Backend:
    kind: str                 # "embedded" | "distributed"
    name: str                 # unique per test: topic prefix and database base name
    tmp: Path
    mongodb_url: str | None = None
    kafka_bootstrap: str | None = None

    def settings(self, service: str, office_region: str = "360000", **overrides) -> Settings:
        if self.kind == "embedded":
            urls = dict(event_store_url=f"sqlite:///{self.tmp}/{service}-events.db",
                        bus_url=f"sqlite:///{self.tmp}/bus.db",
                        projection_url=f"sqlite:///{self.tmp}/{service}-{office_region}-projections.db")
        else:
            mongo = _with_database(self.mongodb_url, self.name)
            urls = dict(event_store_url=mongo, bus_url=f"kafka://{self.kafka_bootstrap}",
                        projection_url=_with_database(self.mongodb_url, f"{self.name}_{office_region}"))
        settings = Settings(service=service, office_region=office_region, data_dir=str(self.tmp),
                            token_secret=SECRET, topic_prefix=self.name, hash_key="test-hash-key", **urls)
        return replace(settings, **overrides)

    def published(self, context, timeout: float = 60) -> list[Recorded]:
        """Relay everything the service stored to the bus, then read its whole topic back."""
        context.bus.ensure_topics([context.topic])
        context.relay().drain()
        return read_topic(context.bus, context.topic, timeout)


def read_topic(bus, topic: str, timeout: float = 60) -> list[Recorded]:
    import uuid
    out: list[Recorded] = []
    deadline = time.monotonic() + timeout
    with bus.subscribe([topic], "reader-" + uuid.uuid4().hex[:8]) as sub:
        empty = 0
        while empty < 2:
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end in {timeout}s")
            batch = sub.poll(timeout=1.0)
            out.extend(from_bytes(m.value) for m in batch)
            empty = empty + 1 if not batch and sub.lag() == 0 else 0
    return out


def _with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + name))


def token(region: str, role: str = "admin", audience=ALL_SERVICES, subject: str = "tester", ttl: int = 3600) -> dict:
    """Authorization header for an office of `region` with `role`."""
    return {"Authorization": "Bearer " + issue_token(SECRET, subject, region, role, list(audience), ttl)}


@pytest.fixture(params=["embedded", "distributed"])
def backend(request, tmp_path, unique_name) -> Backend:
    if request.param == "embedded":
        return Backend("embedded", unique_name, tmp_path)
    return Backend("distributed", unique_name, tmp_path, request.getfixturevalue("mongodb_url"),
                   request.getfixturevalue("kafka_bootstrap"))


@pytest.fixture
def embedded(tmp_path, unique_name) -> Backend:
    return Backend("embedded", unique_name, tmp_path)


@pytest.fixture
def distributed(tmp_path, unique_name, mongodb_url, kafka_bootstrap) -> Backend:
    return Backend("distributed", unique_name, tmp_path, mongodb_url, kafka_bootstrap)
