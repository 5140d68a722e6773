"""SQLite projection store, the embedded default: one table of JSON documents."""
from __future__ import annotations

import json
from typing import Iterable, Mapping

from shared.projections import In, Prefix, ProjectionStore
from shared.sqlite import Connections, path_from_url, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, id)
);
"""


class SQLiteProjectionStore(ProjectionStore):
    def __init__(self, url: str):
        self._db = Connections(path_from_url(url), SCHEMA)

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(ids)
        out: dict[str, dict] = {}
        conn = self._db.get()
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = ids[start:start + 500]
            rows = conn.execute(
                f"SELECT id, body FROM docs WHERE collection = ? AND id IN ({','.join('?' * len(chunk))})",
                (collection, *chunk)).fetchall()
            out.update((r["id"], json.loads(r["body"])) for r in rows)
        return out

    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        rows = [(collection, d["_id"], json.dumps(d, ensure_ascii=False, separators=(",", ":"))) for d in docs]
        if not rows:
            return
        with transaction(self._db.get()) as conn:
            conn.executemany("INSERT OR REPLACE INTO docs (collection, id, body) VALUES (?, ?, ?)", rows)

    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        rows = [(collection, d["_id"], json.dumps(d, ensure_ascii=False, separators=(",", ":"))) for d in docs]
        if not rows:
            return
        with transaction(self._db.get()) as conn:
            conn.executemany(
                "INSERT INTO docs (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id) "
                "DO UPDATE SET body = excluded.body "
                "WHERE json_extract(docs.body, '$._version') < json_extract(excluded.body, '$._version')", rows)

    def find(self, collection: str, where: Mapping | None = None) -> list[dict]:
        clauses, params = ["collection = ?"], [collection]
        for field, wanted in (where or {}).items():
            if not field.replace("_", "").isalnum():
                raise ValueError(f"bad field name {field!r}")
            expr = f"json_extract(body, '$.{field}')"
            if isinstance(wanted, Prefix):
                clauses.append(f"json_type(body, '$.{field}') = 'text' AND substr({expr}, 1, ?) = ?")
                params += [len(wanted.value), wanted.value]
            elif isinstance(wanted, In):
                clauses.append(f"{expr} IN ({','.join('?' * len(wanted.values))})" if wanted.values else "0")
                params += list(wanted.values)
            elif wanted is None:
                clauses.append(f"{expr} IS NULL")
            else:
                clauses.append(f"{expr} = ?")
                params.append(int(wanted) if isinstance(wanted, bool) else wanted)
        rows = self._db.get().execute(f"SELECT body FROM docs WHERE {' AND '.join(clauses)}", params).fetchall()
        return [json.loads(r["body"]) for r in rows]

    def drop(self, collection: str) -> None:
        self._db.get().execute("DELETE FROM docs WHERE collection = ?", (collection,))

    def collections(self) -> list[str]:
        return [r[0] for r in self._db.get().execute("SELECT DISTINCT collection FROM docs ORDER BY 1")]

    def close(self) -> None:
        self._db.close()
