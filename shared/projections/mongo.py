"""MongoDB projection store (works on MongoDB and FerretDB).

Each document is kept as its top-level scalar fields (so `find` can filter on them with an
index) plus the whole document as JSON text in `_body`. FerretDB v1 rejects nested arrays and
keys with dots; JSON text round-trips anything a projection holds.
"""
from __future__ import annotations

import json
import re
from typing import Iterable, Mapping

from pymongo import ReplaceOne
from pymongo.errors import DuplicateKeyError

from shared.eventstore import StoreUnavailable
from shared.mongo import UNAVAILABLE, database
from shared.projections import In, Prefix, ProjectionStore

SCALARS = (str, int, float, bool, type(None))


class MongoProjectionStore(ProjectionStore):
    def __init__(self, url: str, namespace: str):
        self._db = database(url, namespace)

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(ids)
        if not ids:
            return {}
        try:
            return {d["_id"]: json.loads(d["_body"]) for d in self._db[collection].find({"_id": {"$in": ids}})}
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
        query = {}
        for field, wanted in (where or {}).items():
            if isinstance(wanted, Prefix):
                query[field] = {"$regex": "^" + re.escape(wanted.value)}
            elif isinstance(wanted, In):
                query[field] = {"$in": list(wanted.values)}
            else:
                query[field] = wanted
        try:
            return [json.loads(d["_body"]) for d in self._db[collection].find(query, {"_body": 1})]
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
    out["_body"] = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return out
