"""MongoDB projection store (works on MongoDB and FerretDB).

Each document is kept as its top-level scalar fields (so `find` can filter on them with an
index) plus the whole document as JSON text in `_body`. FerretDB v1 rejects nested arrays and
keys with dots; JSON text round-trips anything a projection holds.

`scan` reads through the cursor a batch at a time. With `fields` it asks for just those top-level
fields, which answers from the stored scalars without sending or parsing `_body`; only documents
lacking one of them (a list, say a response's ratings, lives in `_body` alone) have their body
fetched, a batch of them by `_id` at a time.
"""
from __future__ import annotations

import re
from itertools import islice
from typing import Iterable, Iterator, Mapping

import orjson
from pymongo import ReplaceOne
from pymongo.errors import DuplicateKeyError

from shared.eventstore import StoreUnavailable
from shared.mongo import UNAVAILABLE, database
from shared.projections import Between, In, Order, Prefix, ProjectionStore, field_name, field_names, only

SCALARS = (str, int, float, bool, type(None))
BATCH = 500  # documents per round trip while scanning


class MongoProjectionStore(ProjectionStore):
    def __init__(self, url: str, namespace: str):
        self._db = database(url, namespace)

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(ids)
        if not ids:
            return {}
        try:
            return {d["_id"]: orjson.loads(d["_body"]) for d in self._db[collection].find({"_id": {"$in": ids}})}
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        ops = [ReplaceOne({"_id": d["_id"]}, _stored(d), upsert=True) for d in docs]
        if ops:
            try:
                self._db[collection].bulk_write(ops, ordered=True)
            except UNAVAILABLE as exc:
                raise StoreUnavailable(str(exc)) from exc

    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        for doc in docs:
            try:
                # Matches only an older version; if a newer one exists, the upsert's insert
                # collides on _id, which is exactly "leave it".
                self._db[collection].replace_one({"_id": doc["_id"], "_version": {"$lt": doc["_version"]}},
                                                 _stored(doc), upsert=True)
            except DuplicateKeyError:
                pass
            except UNAVAILABLE as exc:
                raise StoreUnavailable(str(exc)) from exc

    def find(self, collection: str, where: Mapping | None = None) -> list[dict]:
        return list(self.scan(collection, where))

    def scan(self, collection: str, where: Mapping | None = None,
             fields: Iterable[str] | None = None, order: Order | None = None) -> Iterator[dict]:
        docs = self._db[collection]
        sort = _sort(order)
        if fields is None:
            cursor = docs.find(_query(where), {"_body": 1}, batch_size=BATCH, sort=sort)
            return _available(orjson.loads(d["_body"]) for d in cursor)
        names = field_names(fields)
        cursor = docs.find(_query(where), {"_id": 1, **{name: 1 for name in names}}, batch_size=BATCH, sort=sort)
        return _available(self._with_fields(docs, cursor, names))

    def _with_fields(self, docs, cursor, names: list[str]) -> Iterator[dict]:
        while batch := list(islice(cursor, BATCH)):
            lacking = [d["_id"] for d in batch if not all(name in d for name in names)]
            bodies = {d["_id"]: d["_body"] for d in docs.find({"_id": {"$in": lacking}}, {"_body": 1})} if lacking else {}
            for d in batch:
                body = bodies.get(d["_id"])
                yield only(orjson.loads(body), names) if body is not None else d

    def count(self, collection: str, where: Mapping | None = None) -> int:
        try:
            return self._db[collection].count_documents(_query(where))
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def delete(self, collection: str, where: Mapping) -> int:
        try:
            return self._db[collection].delete_many(_query(where)).deleted_count
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def drop(self, collection: str) -> None:
        try:
            self._db.drop_collection(collection)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def collections(self) -> list[str]:
        try:
            return sorted(c for c in self._db.list_collection_names() if self._db[c].estimated_document_count())
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc


def _stored(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if isinstance(v, SCALARS) and "." not in k and not k.startswith("$")}
    out["_body"] = orjson.dumps(doc).decode()
    return out


def _query(where: Mapping | None) -> dict:
    query = {}
    for field, wanted in (where or {}).items():
        if isinstance(wanted, Prefix):
            query[field] = {"$regex": "^" + re.escape(wanted.value)}
        elif isinstance(wanted, In):
            query[field] = {"$in": list(wanted.values)}
        elif isinstance(wanted, Between):
            query[field] = {"$ne": None, **({"$gte": wanted.low} if wanted.low is not None else {}),
                            **({"$lte": wanted.high} if wanted.high is not None else {})}
        else:
            query[field] = wanted
    return query


def _sort(order: Order | None) -> list[tuple[str, int]] | None:
    """The sort of `order` on the stored top-level scalars (MongoDB sorts null and missing first)."""
    if order is None:
        return None
    keys = [(field_name(f), -1 if desc else 1) for f, desc in order]
    return keys + [("_id", -1 if order and order[-1][1] else 1)]


def _available(docs: Iterator[dict]) -> Iterator[dict]:
    """`docs`, with the driver's connection errors (raised at any step of a cursor) as StoreUnavailable."""
    try:
        yield from docs
    except UNAVAILABLE as exc:
        raise StoreUnavailable(str(exc)) from exc
