"""In-memory projection store: the fake for unit tests."""
from __future__ import annotations

import copy
import threading
from typing import Iterable, Mapping

from shared.projections import ProjectionStore, matches


class MemoryProjectionStore(ProjectionStore):
    def __init__(self):
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, dict]] = {}

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        with self._lock:
            docs = self._data.get(collection, {})
            return {i: copy.deepcopy(docs[i]) for i in ids if i in docs}

    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        with self._lock:
            target = self._data.setdefault(collection, {})
            for doc in docs:
                target[doc["_id"]] = copy.deepcopy(doc)

    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        with self._lock:
            target = self._data.setdefault(collection, {})
            for doc in docs:
                old = target.get(doc["_id"])
                if old is None or old.get("_version", 0) < doc["_version"]:
                    target[doc["_id"]] = copy.deepcopy(doc)

    def find(self, collection: str, where: Mapping | None = None) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(d) for d in self._data.get(collection, {}).values() if matches(d, where)]

    def drop(self, collection: str) -> None:
        with self._lock:
            self._data.pop(collection, None)

    def collections(self) -> list[str]:
        with self._lock:
            return sorted(c for c, docs in self._data.items() if docs)
