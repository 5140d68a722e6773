"""In-memory projection store: the fake for unit tests."""
from __future__ import annotations

import copy
import threading
from typing import Iterable, Iterator, Mapping

from shared.projections import Order, ProjectionStore, field_name, field_names, in_order, matches, only


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
        return list(self.scan(collection, where))

    def scan(self, collection: str, where: Mapping | None = None,
             fields: Iterable[str] | None = None, order: Order | None = None) -> Iterator[dict]:
        names = None if fields is None else field_names(fields)
        with self._lock:
            # Stored documents are replaced, never changed in place: the matching ones can be
            # copied after the lock is let go.
            found = [d for d in self._data.get(collection, {}).values() if matches(d, where)]
        if order is not None:
            found = in_order(found, [(field_name(f), descending) for f, descending in order])
        return (copy.deepcopy(only(d, names)) for d in found)

    def count(self, collection: str, where: Mapping | None = None) -> int:
        with self._lock:
            return sum(1 for d in self._data.get(collection, {}).values() if matches(d, where))

    def delete(self, collection: str, where: Mapping) -> int:
        with self._lock:
            docs = self._data.get(collection, {})
            gone = [i for i, d in docs.items() if matches(d, where)]
            for i in gone:
                del docs[i]
            return len(gone)

    def drop(self, collection: str) -> None:
        with self._lock:
            self._data.pop(collection, None)

    def collections(self) -> list[str]:
        with self._lock:
            return sorted(c for c, docs in self._data.items() if docs)
