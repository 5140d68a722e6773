"""The embedded bus: an append-only log in a SQLite file.

Several processes on one machine share it (WAL mode). Each topic is one partition; a
message's offset is its row id, so offsets only grow. A consumer group's checkpoint is a row.
"""
from __future__ import annotations

import time
from typing import Iterable, Sequence

from shared.bus import EventBus, Message, Subscription
from shared.sqlite import Connections, path_from_url, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_topic ON messages (topic, offset);
CREATE TABLE IF NOT EXISTS topics (topic TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS checkpoints (
    grp TEXT NOT NULL, topic TEXT NOT NULL, offset INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)
);
"""

POLL_INTERVAL = 0.05  # seconds between looks at the file while a poll waits


class SQLiteBus(EventBus):
    def __init__(self, url: str):
        self._db = Connections(path_from_url(url), SCHEMA)

    def ensure_topics(self, topics: Iterable[str]) -> None:
        conn = self._db.get()
        conn.executemany("INSERT OR IGNORE INTO topics (topic) VALUES (?)", [(t,) for t in topics])

    def publish(self, topic: str, messages: Sequence[tuple[str, bytes]]) -> None:
        with transaction(self._db.get()) as conn:
            conn.execute("INSERT OR IGNORE INTO topics (topic) VALUES (?)", (topic,))
            conn.executemany("INSERT INTO messages (topic, key, value) VALUES (?, ?, ?)",
                             [(topic, key, value) for key, value in messages])

    def subscribe(self, topics: Sequence[str], group: str) -> Subscription:
        return _SQLiteSubscription(self._db, list(topics), group)

    def close(self) -> None:
        self._db.close()


class _SQLiteSubscription(Subscription):
    def __init__(self, db: Connections, topics: list[str], group: str):
        self._db, self.topics, self.group = db, topics, group
        conn = db.get()
        self.positions = {}
        for t in topics:
            row = conn.execute("SELECT offset FROM checkpoints WHERE grp = ? AND topic = ?", (group, t)).fetchone()
            self.positions[t] = row[0] if row else 0

    def _fetch(self, max_messages: int) -> list[Message]:
        conn = self._db.get()
        where = " OR ".join("(topic = ? AND offset > ?)" for _ in self.topics)
        params = [x for t in self.topics for x in (t, self.positions[t])]
        rows = conn.execute(f"SELECT offset, topic, key, value FROM messages WHERE {where} "
                            f"ORDER BY offset LIMIT ?", (*params, max_messages)).fetchall()
        return [Message(r["topic"], r["key"], bytes(r["value"]), 0, r["offset"]) for r in rows]

    def poll(self, timeout: float = 1.0, max_messages: int = 500) -> list[Message]:
        deadline = time.monotonic() + timeout
        while True:
            batch = self._fetch(max_messages)
            if batch or time.monotonic() >= deadline:
                break
            time.sleep(POLL_INTERVAL)
        for m in batch:
            self.positions[m.topic] = m.offset
        return batch

    def commit(self) -> None:
        with transaction(self._db.get()) as conn:
            conn.executemany(
                "INSERT INTO checkpoints (grp, topic, offset) VALUES (?, ?, ?) "
                "ON CONFLICT(grp, topic) DO UPDATE SET offset = excluded.offset",
                [(self.group, t, p) for t, p in self.positions.items()])

    def lag(self) -> int:
        conn = self._db.get()
        total = 0
        for t in self.topics:
            (n,) = conn.execute("SELECT COUNT(*) FROM messages WHERE topic = ? AND offset > ?",
                                (t, self.positions[t])).fetchone()
            total += n
        return total
