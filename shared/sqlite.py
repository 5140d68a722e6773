"""SQLite connections shared by the embedded adapters.

One connection per thread (sqlite3 objects must not cross threads), WAL so that readers in
other processes are never blocked by a writer, and a generous busy timeout because several
processes (a service, its outbox relay, the reporting consumer) share one machine.

Writers queue on a lock file beside the database (`<db>.writer`, flock) before they begin. SQLite
alone makes a writer that finds the database locked sleep and retry, in steps growing to 100 ms;
under concurrent web workers the lock then sat idle most of the time (POST a visit through five
gunicorn workers ran at a fraction of one core). A blocked flock wakes the moment it is released.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from urllib.parse import urlparse


def path_from_url(url: str) -> str:
    """`sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite://:memory:`."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite":
        raise ValueError(f"not a sqlite URL: {url}")
    if parsed.netloc == ":memory:" or parsed.path in ("/:memory:", ""):
        raise ValueError("in-memory SQLite cannot be shared between threads; use a file")
    path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
    return path


class WriterLock:
    """One writer at a time across threads (a mutex) and processes (flock on the lock file)."""

    def __init__(self, path: str):
        self._mutex = threading.Lock()
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def __enter__(self):
        self._mutex.acquire()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._mutex.release()
            raise
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._mutex.release()
        return False

    def __del__(self):
        try:
            os.close(self._fd)
        except (AttributeError, OSError):
            pass


class _Connection(sqlite3.Connection):
    writer: WriterLock | None = None  # the lock `transaction` takes before BEGIN IMMEDIATE


class Connections:
    def __init__(self, path: str, schema: str, wal_pages: int = 1000, synchronous: str = "NORMAL"):
        """`wal_pages`: the write-ahead log's size (in 4 KiB pages) at which a commit copies it
        into the database (SQLite's default 1,000). `synchronous`: NORMAL, or OFF for a database
        whose writes need only survive its processes, not the machine (see `sync_database`)."""
        if synchronous not in ("NORMAL", "OFF"):
            raise ValueError(f"synchronous {synchronous!r}")
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self.path = path
        self.writer = WriterLock(path + ".writer")
        self.wal_pages = wal_pages
        self.synchronous = synchronous
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.get() as conn:
            conn.executescript(schema)

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN ourselves, so a transaction means what it says.
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False,
                                   factory=_Connection)
            conn.writer = self.writer
            conn.row_factory = sqlite3.Row
            _write_ahead(conn)
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute(f"PRAGMA wal_autocheckpoint={int(self.wal_pages)}")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close_thread(self) -> bool:
        """Close the calling thread's connection, if it has one; whether others are still open."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with self._lock:
                self._all.remove(conn)
            self._local.conn = None
            conn.close()
        with self._lock:
            return bool(self._all)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass
            self._all.clear()
        self._local = threading.local()


def _write_ahead(conn: sqlite3.Connection, timeout: float = 30.0) -> None:
    """Put the database in WAL mode (a no-op once it is). Several processes opening a new database
    at once (a rebuild's lanes, a service and its relay) all try to switch it, and SQLite answers
    those that find another switching it "database is locked" at once, without waiting out the
    busy timeout (4 processes opening 40 new files at the same instant: 15 failed to open)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def sync_database(path: str) -> None:
    """Make every committed write to the database at `path` durable, whatever its `synchronous`.
    A commit is in the log (or, once checkpointed, in the database) as far as the operating system
    knows, so it is on disk once both files are synced: the database, then the log, then the
    directory (their names). A machine stopped before the last may leave them torn: only a
    finished `sync_database` counts."""
    for name in (path, path + "-wal", os.path.dirname(os.path.abspath(path))):
        fsync(name)


def boot_id() -> str | None:
    """This boot of the machine (Linux), None where it cannot be told: a database written with
    synchronous OFF is whole after its processes were killed, not after the machine stopped."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip() or None
    except OSError:
        return None


def fsync(path: str) -> None:
    """Sync a file, or a directory (its entries), if it exists."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class transaction:
    """`BEGIN IMMEDIATE … COMMIT`, rolled back on any error: the write lock is taken up front,
    so the read-check-write inside cannot interleave with another writer. Writers of one database
    queue on its `WriterLock` first (see the module's docstring)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.writer = getattr(conn, "writer", None)

    def __enter__(self) -> sqlite3.Connection:
        if self.writer is not None:
            self.writer.__enter__()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")
        finally:
            self._release()
        return False

    def _release(self) -> None:
        if self.writer is not None:
            self.writer.__exit__(None, None, None)
