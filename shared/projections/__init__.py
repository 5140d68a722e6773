"""The projection store port: documents in named collections, keyed by `_id`.

Projections are disposable: anything here can be thrown away and rebuilt from the bus. A
document's fields are JSON values; `find` filters on top-level fields by equality, by a set
of values (`In`) or by a string prefix (`Prefix`, how region codes express jurisdiction).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Prefix:
    value: str


@dataclass(frozen=True)
class In:
    values: tuple


class ProjectionStore(abc.ABC):
    @abc.abstractmethod
    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]: ...

    @abc.abstractmethod
    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        """Insert or replace each document by its `_id`."""

    @abc.abstractmethod
    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        """Like `put_many`, but a document replaces a stored one only if its `_version` is higher."""

    @abc.abstractmethod
    def find(self, collection: str, where: Mapping | None = None) -> list[dict]: ...

    @abc.abstractmethod
    def drop(self, collection: str) -> None: ...

    @abc.abstractmethod
    def collections(self) -> list[str]: ...

    def get(self, collection: str, id: str) -> dict | None:
        return self.get_many(collection, [id]).get(id)

    def put(self, collection: str, doc: dict) -> None:
        self.put_many(collection, [doc])

    def close(self) -> None:
        pass


def matches(doc: Mapping, where: Mapping | None) -> bool:
    """The filter semantics every adapter implements (the memory adapter uses it directly)."""
    for field, wanted in (where or {}).items():
        value = doc.get(field)
        if isinstance(wanted, Prefix):
            if not (isinstance(value, str) and value.startswith(wanted.value)):
                return False
        elif isinstance(wanted, In):
            if value not in wanted.values:
                return False
        elif value != wanted:
            return False
    return True
