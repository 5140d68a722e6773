"""SQLite projection store, the embedded default: one table of JSON documents.

`scan` steps a cursor, so only the row at hand is in Python; with `fields` SQLite extracts them
(`body -> '$.f'`: the field's JSON text, or NULL when the document lacks it) and the rest of the
body never leaves SQLite.

A part (see the port) is a database file beside this one: part `g3` of `reporting-views.db` is
`reporting-views.g3.db`. Dropping a part deletes its files, which gives their space back (deleted
rows would leave a database file as large as it was). A provisional part is written with
`synchronous=OFF`: commits never wait for the disk, and the log is not synced at each checkpoint
(a rebuild ~1.1× as fast); a file `<part>.provisional` holds the boot it was begun in until
`make_durable` syncs it, so a part begun before the machine stopped is known for what it is.
Parts of a store written before parts had files are its collections named `<part>.…`, and stay so.
"""
from __future__ import annotations

import glob
import os
import sqlite3
import threading
from contextlib import nullcontext
from typing import ContextManager, Iterable, Iterator, Mapping
from urllib.request import pathname2url

import orjson

from shared.projections import (Between, In, Order, Prefix, ProjectionStore, field_name, field_names,
                                part_name)
from shared.sqlite import Connections, boot_id, fsync, path_from_url, sync_database, transaction

PROVISIONAL = ".provisional"  # beside a part's file: the boot in which it was begun provisionally

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, id)
);
"""


class SQLiteProjectionStore(ProjectionStore):
    def __init__(self, url: str, provisional: bool = False):
        # A rebuild writes every row again: checkpoints every 40 MB of log rather than 4 MB copy
        # a hot page (an index's upper levels) into the database less often (rebuild ~1.15×).
        self._db = Connections(path_from_url(url), SCHEMA, wal_pages=10_000,
                               synchronous="OFF" if provisional else "NORMAL")
        self._parts: dict[tuple[str, bool], ProjectionStore] = {}  # opened, by (name, provisional)
        self._dropped: list[SQLiteProjectionStore] = []  # parts dropped while threads had them open
        self._parts_lock = threading.Lock()

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

    def delete(self, collection: str, where: Mapping) -> int:
        clause, params = _where(collection, where)
        with _writing(self._db.get()) as conn:
            return conn.execute(f"DELETE FROM docs WHERE {clause}", params).rowcount

    def drop(self, collection: str) -> None:
        self._db.get().execute("DELETE FROM docs WHERE collection = ?", (collection,))

    def collections(self) -> list[str]:
        return [r[0] for r in self._db.get().execute("SELECT DISTINCT collection FROM docs ORDER BY 1")]

    def close(self) -> None:
        with self._parts_lock:
            parts, self._parts, self._dropped = [*self._parts.values(), *self._dropped], {}, []
        for part in parts:
            part.close()
        self._db.close()

    def part(self, name: str, provisional: bool = False) -> ProjectionStore:
        key = (part_name(name), provisional)
        with self._parts_lock:
            self._forget_dropped()
            part = self._parts.get(key)
            if part is None:
                part = self._parts[key] = self._open_part(name, provisional)
        return part

    def _open_part(self, name: str, provisional: bool) -> ProjectionStore:
        if self._has_prefixed(name):
            return super().part(name)
        path = self.part_path(name)
        boot = boot_id() if provisional else None
        if boot is not None:  # (beside this store's file: its directory exists)
            try:  # the first writer marks it (a caller drops a part not intact before writing it again)
                with open(path + PROVISIONAL, "x") as marker:
                    marker.write(boot)
            except FileExistsError:
                pass
        return SQLiteProjectionStore(f"sqlite:///{path}", provisional=boot is not None)

    def _forget_dropped(self) -> None:
        """Let go of the parts opened here whose files were deleted (by `drop_part`, here or in
        another process): an open connection holds on to a dropped generation's disk space. Each
        thread closes its own connections to them when it next asks for a part: another thread may
        still be reading one (a report begun before a rebuild switched generations)."""
        for key, part in list(self._parts.items()):
            if isinstance(part, SQLiteProjectionStore) and not os.path.exists(part._db.path):
                del self._parts[key]
                self._dropped.append(part)
        self._dropped = [part for part in self._dropped if part._db.close_thread()]

    def parts(self) -> set[str]:
        stem, ext = self._stem()
        files = {path[len(stem) + 1:len(path) - len(ext)]: path for path in glob.glob(f"{glob.escape(stem)}.*{ext}")}
        # A part read before anything was written to it has an empty file, as a collection read
        # before it was written to is listed by no store.
        return {name for name, path in files.items() if "." not in name and _holds_rows(path)} | super().parts()

    def drop_part(self, name: str) -> None:
        if self._has_prefixed(name):
            super().drop_part(name)
        path = self.part_path(name)
        # The log first: a log left without its database would be replayed into a new one.
        for suffix in ("-wal", "-shm", "", ".writer", PROVISIONAL):
            try:
                os.unlink(path + suffix)
            except FileNotFoundError:
                pass
        with self._parts_lock:
            self._forget_dropped()

    def make_durable(self, part: str | None = None) -> None:
        if part is None or self._has_prefixed(part):
            sync_database(self._db.path)
            return
        path = self.part_path(part)
        sync_database(path)
        try:
            os.unlink(path + PROVISIONAL)
        except FileNotFoundError:
            return
        fsync(os.path.dirname(os.path.abspath(path)))

    def part_intact(self, name: str) -> bool:
        try:
            with open(self.part_path(name) + PROVISIONAL) as marker:
                begun = marker.read()
        except FileNotFoundError:
            return True
        return begun == boot_id()

    def _stem(self) -> tuple[str, str]:
        stem, ext = os.path.splitext(self._db.path)
        return stem, ext or ".db"

    def part_path(self, name: str) -> str:
        """The database file holding part `name` (unless it predates parts' files)."""
        stem, ext = self._stem()
        return f"{stem}.{part_name(name)}{ext}"

    def _has_prefixed(self, name: str) -> bool:
        """Whether part `name` is kept as collections named `<name>.…` in this database."""
        prefix = part_name(name) + "."
        return self._db.get().execute("SELECT 1 FROM docs WHERE collection >= ? AND collection < ? LIMIT 1",
                                      (prefix, prefix[:-1] + "/")).fetchone() is not None


def _holds_rows(path: str) -> bool:
    """Whether the database file at `path` holds any row (read only: nothing is created)."""
    conn = sqlite3.connect(f"file:{pathname2url(os.path.abspath(path))}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no table yet: its first connection is still making it
        return False
    finally:
        conn.close()


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
