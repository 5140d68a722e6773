"""REST resources of the appraisal service, one module per resource; helpers they share."""
from __future__ import annotations

from flask import current_app

from shared.aggregate import Aggregate
from shared.application import EventSourcedRepository
from shared.eventstore import ConcurrencyError
from shared.web.auth import caller, require_region


def repository() -> EventSourcedRepository:
    return current_app.extensions["shuangwan"].repository


def hash_key() -> str:
    return current_app.extensions["shuangwan"].settings.hash_key


def load_for_office(cls: type[Aggregate], id: str, role: str, version: int | None = None):
    """The aggregate, if the caller holds `role` and covers its region; 409 if not at `version`."""
    who = caller(role)
    aggregate = repository().get(cls, id)
    require_region(who, aggregate.region)
    if version is not None and version != aggregate.version:
        raise ConcurrencyError(id, version, aggregate.version)
    return who, aggregate
