"""SQLite projection store, the embedded default: one table of JSON documents.

`scan` steps a cursor, so only the row at hand is in Python; with `fields` SQLite extracts them
(`body -> '$.f'`: the field's JSON text, or NULL when the document lacks it) and the rest of the
body never leaves SQLite.
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import ContextManager, Iterable, Iterator, Mapping

import orjson

from shared.projections import Between, In, Order, Prefix, ProjectionStore, field_name, field_names
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
        # A rebuild writes every row again: checkpoints every 40 MB of log rather than 4 MB copy
        # a hot page (an index's upper levels) into the database less often (rebuild ~1.15×).
        self._db = Connections(path_from_url(url), SCHEMA, wal_pages=10_000)

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(ids)
        out: dict[str, dict] = {}
        conn = self._db.get()
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = ids[start:start + 500]
            rows = conn.execute(
                f"SELECT id, body FROM docs WHERE collection = ? AND id IN ({','.join('?' * len(chunk))})",
                (collection, *chunk)).fetchall()
            out.update((r["id"], orjson.loads(r["body"])) for r in rows)
        return out

    def together(self) -> ContextManager:
        return _writing(self._db.get())

    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        rows = [(collection, d["_id"], orjson.dumps(d).decode()) for d in docs]
        if not rows:
            return
        with _writing(self._db.get()) as conn:
            conn.executemany("INSERT OR REPLACE INTO docs (collection, id, body) VALUES (?, ?, ?)", rows)

    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        rows = [(collection, d["_id"], orjson.dumps(d).decode()) for d in docs]
        if not rows:
            return
        with _writing(self._db.get()) as conn:
            conn.executemany(
                "INSERT INTO docs (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id) "
                "DO UPDATE SET body = excluded.body "
                "WHERE json_extract(docs.body, '$._version') < json_extract(excluded.body, '$._version')", rows)

    def find(self, collection: str, where: Mapping | None = None) -> list[dict]:
        return list(self.scan(collection, where))

    def scan(self, collection: str, where: Mapping | None = None,
             fields: Iterable[str] | None = None, order: Order | None = None) -> Iterator[dict]:
        clause, params = _where(collection, where)
        clause += _order_by(order)
        if fields is None:
            cursor = self._db.get().execute(f"SELECT body FROM docs WHERE {clause}", params)
            return _rows(cursor, lambda r: orjson.loads(r[0]))
        names = field_names(fields)
        columns = "".join(f", body -> '$.{name}'" for name in names)
        cursor = self._db.get().execute(f"SELECT id{columns} FROM docs WHERE {clause}", params)
        return _rows(cursor, lambda r: {"_id": r[0], **{name: orjson.loads(value)
                                                         for name, value in zip(names, r[1:]) if value is not None}})

    def count(self, collection: str, where: Mapping | None = None) -> int:
        clause, params = _where(collection, where)
        return self._db.get().execute(f"SELECT count(*) FROM docs WHERE {clause}", params).fetchone()[0]

    def drop(self, collection: str) -> None:
        self._db.get().execute("DELETE FROM docs WHERE collection = ?", (collection,))

    def collections(self) -> list[str]:
        return [r[0] for r in self._db.get().execute("SELECT DISTINCT collection FROM docs ORDER BY 1")]

    def close(self) -> None:
        self._db.close()


def _writing(conn) -> ContextManager:
    """A transaction, or the one `together` already holds open on this thread's connection."""
    return nullcontext(conn) if conn.in_transaction else transaction(conn)


def _where(collection: str, where: Mapping | None) -> tuple[str, list]:
    """The WHERE clause and its parameters selecting `where` in `collection`."""
    clauses, params = ["collection = ?"], [collection]
    for field, wanted in (where or {}).items():
        field = field_name(field)
        expr = f"json_extract(body, '$.{field}')"
        if isinstance(wanted, Prefix):
            clauses.append(f"json_type(body, '$.{field}') = 'text' AND substr({expr}, 1, ?) = ?")
            params += [len(wanted.value), wanted.value]
        elif isinstance(wanted, In):
            clauses.append(f"{expr} IN ({','.join('?' * len(wanted.values))})" if wanted.values else "0")
            params += list(wanted.values)
        elif isinstance(wanted, Between):
            for bound, op in ((wanted.low, ">="), (wanted.high, "<=")):
                if bound is not None:
                    clauses.append(f"{expr} {op} ?")
                    params.append(bound)
            clauses.append(f"{expr} IS NOT NULL")
        elif wanted is None:
            clauses.append(f"{expr} IS NULL")
        else:
            clauses.append(f"{expr} = ?")
            params.append(int(wanted) if isinstance(wanted, bool) else wanted)
    return " AND ".join(clauses), params


def _order_by(order: Order | None) -> str:
    """ORDER BY for `order`; SQLite sorts NULL (a missing field) first, as the port says."""
    if order is None:
        return ""
    keys = [f"json_extract(body, '$.{field_name(f)}'){' DESC' if desc else ''}" for f, desc in order]
    keys.append("id DESC" if order and order[-1][1] else "id")
    return " ORDER BY " + ", ".join(keys)


def _rows(cursor, decode) -> Iterator[dict]:
    """Decoded rows as the cursor steps; the cursor is closed however the iteration ends."""
    try:
        for row in cursor:
            yield decode(row)
    finally:
        cursor.close()
