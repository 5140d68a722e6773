"""SQLite event store, the embedded default.

The `events` table is both the record and the outbox: a row's autoincrement `position` is its
global order, assigned inside the append transaction, so the relay just publishes what lies
beyond its checkpoint.
"""
from __future__ import annotations

from typing import Sequence

from shared.envelope import Recorded
from shared.eventstore import (ConcurrencyError, EventStore, check_versions, event_to_row,
                               row_to_event)
from shared.sqlite import Connections, path_from_url, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    stream TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    time TEXT NOT NULL,
    region TEXT NOT NULL,
    tier TEXT NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""

COLUMNS = ("id", "family", "type", "schema_version", "stream", "version", "data", "time",
           "region", "tier", "source")
INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


class SQLiteEventStore(EventStore):
    def __init__(self, url: str):
        self._db = Connections(path_from_url(url), SCHEMA)

    def append(self, stream: str, expected_version: int, events: Sequence[Recorded]) -> list[Recorded]:
        check_versions(stream, expected_version, events)
        # Serialised before the write lock is taken: concurrent writers wait on it the less.
        rows = [[row[c] for c in COLUMNS] for row in map(event_to_row, events)]
        with transaction(self._db.get()) as conn:
            (current,) = conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?", (stream,)).fetchone()
            if current != expected_version:
                raise ConcurrencyError(stream, expected_version, current)
            stored = []
            for event, row in zip(events, rows):
                cursor = conn.execute(INSERT, row)
                stored.append(event.at(cursor.lastrowid))
            return stored

    def read_stream(self, stream: str) -> list[Recorded]:
        rows = self._db.get().execute(
            "SELECT * FROM events WHERE stream = ? ORDER BY version", (stream,)).fetchall()
        return [row_to_event(r, r["position"]) for r in rows]

    def read_after(self, position: int, limit: int = 1000) -> list[Recorded]:
        rows = self._db.get().execute(
            "SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?", (position, limit)).fetchall()
        return [row_to_event(r, r["position"]) for r in rows]

    def get_checkpoint(self, name: str) -> int:
        row = self._db.get().execute("SELECT position FROM checkpoints WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def set_checkpoint(self, name: str, position: int) -> None:
        self._db.get().execute(
            "INSERT INTO checkpoints (name, position) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET position = excluded.position", (name, position))

    def close(self) -> None:
        self._db.close()
