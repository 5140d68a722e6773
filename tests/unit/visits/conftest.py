"""Fixtures for the visits domain: the application layer over in-memory fakes of the ports."""
from __future__ import annotations

import pytest

from shared.application import EventSourcedRepository
from shared.contracts.visits import VISITS
from shared.eventstore.memory import MemoryEventStore
from shared.projections.memory import MemoryProjectionStore
from shared.web.auth import Caller
from services.visits import handlers
from services.visits.app import AGGREGATES
from services.visits.domain import Organ


@pytest.fixture
def repo() -> EventSourcedRepository:
    return EventSourcedRepository(MemoryEventStore(), VISITS, MemoryProjectionStore(), "360700", AGGREGATES)


@pytest.fixture
def city() -> Caller:
    return Caller("city-admin", "360700", "admin")


@pytest.fixture
def county() -> Caller:
    return Caller("county-clerk", "360702", "clerk")


@pytest.fixture
def organ(repo, city) -> Organ:
    return handlers.register_organ(repo, city, name="市发改委", category="government", region="360700")


@pytest.fixture
def county_organ(repo, city) -> Organ:
    return handlers.register_organ(repo, city, name="章贡区民政局", category="government", region="360702")


def all_events(repo) -> list:
    return repo.store.read_after(0)
