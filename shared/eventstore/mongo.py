"""MongoDB event store (works on MongoDB and on FerretDB).

Every read and write names one document by its `_id` (the relay also lists the small `pending`
collection): no filter or sort on any other field. On MongoDB each is an index look-up. FerretDB
1.24 on SQLite filters on any other field by decoding every document of the collection itself;
an `{_id: <string>}` filter it hands to SQLite, which still reads the table (the expression it
queries is not the one its `_id` index is built on) but some 40 times faster — and an append with
its stream's head known makes no look-up at all, only two inserts, which use the index.

Without multi-document transactions, the unit of atomicity is one document, and the only
conflict check every server makes atomically is the unique `_id` of an insert. So:

- **Commits.** Each append is one *commit* document holding all the events of one command,
  `_id = "<stream>|<first version>"`, with `last` (its last version) and `prev` (the `_id` of the
  commit it follows, None for a stream's first). A stream is the chain `<stream>|1`,
  `<stream>|<last + 1>`, … up to the first `_id` that is missing.
- **Optimistic concurrency.** An append at `expected_version` E first makes sure E is where a
  commit ends (E = 0: the empty stream), then inserts `<stream>|E+1`. Two writers at E insert the
  same `_id`: exactly one succeeds, the other gets a duplicate key, i.e. `ConcurrencyError`. A
  writer behind the stream also collides (the commit at E+1 exists, because E is a boundary and
  the stream went on). A writer ahead of the stream, or in the middle of a commit, fails the
  boundary check. Boundaries never move (commits are never removed, their versions never
  change), so a boundary seen once — by `read_stream` or a successful append in this process —
  is remembered and not read again (`_heads`): the usual read-then-append costs no extra round
  trip.
- **Pending markers.** Before inserting its commit, the writer inserts a marker `pending/<commit
  _id>`. The relay lists the markers (a collection as small as the backlog) instead of searching
  the commits.
- **The log.** `sequence_pending` (the relay) gives each commit a global position: it inserts
  `log/<position, zero-padded>` = {first, n, commit} at the log's end, then writes the positions
  into the commit (for `read_stream`), then deletes the marker. A stream's predecessor commit is
  always positioned first (following `prev`), so `read_after`, which walks the log by `_id`,
  keeps every stream's order. Positions are dense from 1; `meta/log.end` is a hint of where the
  log ends (the relay goes on from it to the first missing key).

Why a process dying between any two steps loses nothing and breaks nothing:

- Writer dies after its marker, before its commit: a marker without a commit. The relay leaves it
  (it cannot tell a dead writer from a slow one) and looks again now and then; it is harmless,
  and if the command is retried at that version, the new commit takes up the marker. Markers
  are never deleted while their commit is missing, so a slow writer's commit is never missed.
- Writer dies after its commit: the commit is complete (one document) and has its marker, so the
  relay numbers and publishes it — a record stored whose answer was lost is still published.
- Relay dies after inserting a log entry, before positioning the commit or deleting the marker:
  the next round starts from the log's end, found by going on from the hint to the first missing
  key; every entry it passes on the way is finished again (positions set, marker deleted), both
  idempotent. A log entry is the one step that decides a position, and an insert: it cannot be
  taken twice.
- Relay dies before moving the hint: the same; the hint is only ever where to start looking.
- A commit whose marker went missing is still numbered before its successor, through `prev`.

The commits are the record; markers and log are derived from them. A store written by the first
version of this adapter (positions only in the commits) is taken over by the relay's first round,
and `reindex` derives them again after a restore (a backup copies collections one by one).

One relay per store (the outbox relay of the service, as documented for operators); sequencing
calls within one process are serialised by a lock, and a second process sequencing at the same
time collides on the log's unique keys and ends its round instead of numbering anything twice.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Sequence

from pymongo.errors import DuplicateKeyError

from shared.envelope import Recorded, utcnow
from shared.eventstore import (ConcurrencyError, EventStore, StoreUnavailable, check_versions,
                               event_to_row, row_to_event)
from shared.mongo import UNAVAILABLE, database

HEADS_REMEMBERED = 20_000   # stream boundaries kept per store object (then forgotten, all at once)
MISSING_RECHECK = 30.0      # seconds between looks at a marker whose commit has been missing a while
MISSING_PATIENCE = 60.0     # … "a while"
LAYOUT = 2                  # meta/layout.version: markers and log in use

_sequencers: dict[tuple[str, str], threading.Lock] = {}
_sequencers_lock = threading.Lock()


def _key(position: int) -> str:
    """The log's `_id` for a position: a string (FerretDB looks up only string and ObjectId `_id`s)."""
    return f"{position:020d}"


class MongoEventStore(EventStore):
    def __init__(self, url: str, namespace: str):
        db = database(url, namespace)
        self._commits = db["commits"]
        self._pending = db["pending"]
        self._log = db["log"]
        self._meta = db["meta"]
        self._checkpoints = db["checkpoints"]
        self._heads: dict[str, tuple[int, str]] = {}   # stream → (a boundary, the commit ending there)
        self._last_entry: dict | None = None          # the log entry read_after read last
        self._missing_since: dict[str, tuple[float, float]] = {}  # marker → (first seen, next look)
        self._adopted = False
        with _sequencers_lock:
            self._sequencer = _sequencers.setdefault((url, namespace), threading.Lock())

    # ------------------------------------------------------------------ writing

    def append(self, stream: str, expected_version: int, events: Sequence[Recorded]) -> list[Recorded]:
        check_versions(stream, expected_version, events)
        commit_id = f"{stream}|{expected_version + 1}"
        last = expected_version + len(events)
        document = {
            "_id": commit_id, "stream": stream, "first": expected_version + 1, "last": last,
            "prev": None, "events": [event_to_row(e) for e in events], "stored_at": utcnow(),
            "pos_first": None, "pos_last": None,
        }
        with _reachable():
            if expected_version:
                document["prev"] = self._commit_ending_at(stream, expected_version)
            try:
                # The marker first: once the commit exists, the relay can find it.
                self._pending.insert_one({"_id": commit_id, "at": document["stored_at"]})
            except DuplicateKeyError:
                pass  # a concurrent writer's marker for the same `_id` (or a dead one's): ours too
            try:
                self._commits.insert_one(document)
            except DuplicateKeyError:
                raise ConcurrencyError(stream, expected_version) from None
        self._remember(stream, last, commit_id)
        return list(events)

    def _commit_ending_at(self, stream: str, version: int) -> str:
        """The `_id` of the commit of `stream` that ends at `version`; ConcurrencyError if none does."""
        known = self._heads.get(stream)
        if known is not None:
            if known[0] == version:
                return known[1]
            if known[0] > version:  # the stream is at least at known[0] already
                raise ConcurrencyError(stream, version)
        head, head_id = known or (0, None)
        for commit in self._chain(stream, head + 1):
            head, head_id = commit["last"], commit["_id"]
        if head_id is not None:
            self._remember(stream, head, head_id)
        if head != version:
            raise ConcurrencyError(stream, version, head)
        return head_id

    def _chain(self, stream: str, first: int, whole: bool = False):
        """The commits of `stream` from the one starting at `first` on, one `_id` look-up each."""
        projection = None if whole else {"last": 1}
        while (commit := self._commits.find_one({"_id": f"{stream}|{first}"}, projection)) is not None:
            yield commit
            first = commit["last"] + 1

    def _remember(self, stream: str, last: int, commit_id: str) -> None:
        if len(self._heads) >= HEADS_REMEMBERED:
            self._heads.clear()
        known = self._heads.get(stream)
        if known is None or known[0] < last:
            self._heads[stream] = (last, commit_id)

    # ------------------------------------------------------------------ reading

    def read_stream(self, stream: str) -> list[Recorded]:
        with _reachable():
            commits = list(self._chain(stream, 1, whole=True))
        if commits:
            self._remember(stream, commits[-1]["last"], commits[-1]["_id"])
        return [event for commit in commits for event in _events(commit)]

    def read_after(self, position: int, limit: int = 1000) -> list[Recorded]:
        out: list[Recorded] = []
        with _reachable():
            entry = self._entry_covering(position + 1)
            while entry is not None:
                if entry["commit"] is None:  # a gap an earlier layout left: nothing there
                    entry = self._log.find_one({"_id": _key(entry["first"] + entry["n"])})
                    continue
                commit = self._commits.find_one({"_id": entry["commit"]})
                if commit is None:  # commits are never deleted: a log entry always has its commit
                    raise RuntimeError(f"log entry {entry['_id']} names a missing commit {entry['commit']}; "
                                       "after restoring a backup, reindex the store")
                out.extend(row_to_event(row, entry["first"] + i) for i, row in enumerate(commit["events"])
                           if entry["first"] + i > position)
                self._last_entry = entry
                if len(out) >= limit:
                    break
                entry = self._log.find_one({"_id": _key(entry["first"] + entry["n"])})
        return out[:limit]

    def _entry_covering(self, position: int) -> dict | None:
        """The log entry holding `position`; None if the log does not reach it (yet)."""
        last = self._last_entry
        if last is not None:
            if last["first"] <= position < last["first"] + last["n"]:
                return last
            if position == last["first"] + last["n"]:  # the usual: the page after the one read last
                return self._log.find_one({"_id": _key(position)})
        entry = self._log.find_one({"_id": _key(position)})
        if entry is not None or position >= self._log_end(repair=False):
            return entry
        # Inside an entry (a page cut a commit): its start is at most a commit's size back.
        for start in range(position - 1, 0, -1):
            if (entry := self._log.find_one({"_id": _key(start)})) is not None:
                return entry
        return None

    # ------------------------------------------------------------------ sequencing (the relay)

    def sequence_pending(self, batch: int = 1000) -> int:
        with self._sequencer, _reachable():
            if not self._adopted:
                self._adopt_earlier_layout()
            return self._sequence_pending(batch)

    def _sequence_pending(self, batch: int) -> int:
        end = self._log_end(repair=True)
        markers = sorted(self._pending.find({}), key=lambda m: (m.get("at") or utcnow(), m["_id"]))
        hint = end
        positioned: set[str] = set()
        done = 0
        now = time.monotonic()
        for marker in markers:
            if done >= batch:
                break
            commit_id = marker["_id"]
            if commit_id in positioned or self._missing_since.get(commit_id, (0, 0))[1] > now:
                continue
            commit = self._commits.find_one({"_id": commit_id}, {"events": 0})
            if commit is None:
                # Its writer is between marker and commit, or died there: look again later, more
                # rarely once it has been missing a while; never delete it (see the module's notes).
                first_seen = self._missing_since.get(commit_id, (now, 0))[0]
                again = now + MISSING_RECHECK if now - first_seen > MISSING_PATIENCE else 0
                self._missing_since[commit_id] = (first_seen, again)
                continue
            self._missing_since.pop(commit_id, None)
            # The commit and any of its stream's predecessors not numbered yet, oldest first.
            chain = []
            while commit is not None and commit.get("pos_first") is None:
                chain.append(commit)
                if commit["prev"] is None or commit["prev"] in positioned:
                    break
                prev = commit["prev"]
                commit = self._commits.find_one({"_id": prev}, {"events": 0})
                if commit is None:  # commits are never deleted: a commit's predecessor exists
                    raise RuntimeError(f"commit {chain[-1]['_id']} follows a missing commit {prev}")
            for commit in reversed(chain):
                size = commit["last"] - commit["first"] + 1
                try:
                    self._log.insert_one({"_id": _key(end), "first": end, "n": size, "commit": commit["_id"]})
                except DuplicateKeyError:  # another process is sequencing this store: let it
                    self._set_hint(hint, end)
                    return done
                self._finish(commit["_id"], end, size)
                positioned.add(commit["_id"])
                end += size
                done += size
            if not chain:  # numbered already (a relay died before deleting the marker, or a late writer's)
                self._pending.delete_one({"_id": commit_id})
        self._set_hint(hint, end)
        return done

    def _finish(self, commit_id: str, first: int, size: int) -> None:
        """After a commit's log entry: its positions into the commit, its marker away (both idempotent)."""
        self._commits.update_one({"_id": commit_id}, {"$set": {"pos_first": first, "pos_last": first + size - 1}})
        self._pending.delete_one({"_id": commit_id})

    def _log_end(self, repair: bool) -> int:
        """The first position not in the log: from the hint on to the first missing key.

        With `repair`, the entries passed on the way (written after the hint was last moved, maybe
        by a relay that died before finishing them) are finished.
        """
        hint = self._meta.find_one({"_id": "log"})
        end = hint["end"] if hint else 1
        while (entry := self._log.find_one({"_id": _key(end)})) is not None:
            if repair and entry["commit"] is not None:
                self._finish(entry["commit"], entry["first"], entry["n"])
            end = entry["first"] + entry["n"]
        return end

    def _set_hint(self, was: int, end: int) -> None:
        if end != was:
            self._meta.update_one({"_id": "log"}, {"$set": {"end": end}}, upsert=True)

    def _adopt_earlier_layout(self) -> None:
        """Once per store: derive the markers and the log from the commits.

        The first version of this adapter kept positions only in the commits and found pending
        commits by querying them; `reindex` also comes here. This scans the commits once (the
        only scan of this module), writes a log entry for every positioned commit — an empty one
        over any gap, so that the log stays dense — and a marker (and `prev`) for every other
        commit, then records the layout so that it never runs again.
        """
        if self._meta.find_one({"_id": "layout"}) is None:
            commits = list(self._commits.find({}, {"events": 0}))
            ending = {(c["stream"], c["last"]): c["_id"] for c in commits}
            end = 1
            for c in sorted((c for c in commits if c.get("pos_first") is not None), key=lambda c: c["pos_first"]):
                if c["pos_first"] < end:  # overlaps another: numbered again below (published again)
                    c["pos_first"] = None
                    continue
                if c["pos_first"] > end:
                    _insert_once(self._log, {"_id": _key(end), "first": end, "n": c["pos_first"] - end, "commit": None})
                size = c["last"] - c["first"] + 1
                _insert_once(self._log, {"_id": _key(c["pos_first"]), "first": c["pos_first"], "n": size,
                                         "commit": c["_id"]})
                end = c["pos_first"] + size
            for c in commits:
                if c.get("pos_first") is not None:
                    continue
                prev = c.get("prev", False)
                if prev is False:
                    prev = ending.get((c["stream"], c["first"] - 1)) if c["first"] > 1 else None
                self._commits.update_one({"_id": c["_id"]}, {"$set": {"prev": prev, "pos_first": None, "pos_last": None}})
                _insert_once(self._pending, {"_id": c["_id"], "at": c.get("stored_at") or utcnow()})
            hint = self._meta.find_one({"_id": "log"})
            if hint is None or hint["end"] < end:
                self._meta.update_one({"_id": "log"}, {"$set": {"end": end}}, upsert=True)
            _insert_once(self._meta, {"_id": "layout", "version": LAYOUT})
        self._adopted = True

    def reindex(self) -> None:
        """Derive the markers and the log again from the commits alone (after a restore).

        A backup taken while the service runs copies the collections one after the other, so
        `log` and `pending` may disagree with `commits`; the commits are the record. Run it with
        the service's processes stopped: it drops the markers, and an append in flight would lose
        its own. A commit whose position is lost this way is numbered and published again.
        """
        with self._sequencer, _reachable():
            for collection in (self._log, self._pending, self._meta):
                collection.drop()
            self._adopted, self._last_entry = False, None
            self._adopt_earlier_layout()

    # ------------------------------------------------------------------ checkpoints

    def get_checkpoint(self, name: str) -> int:
        with _reachable():
            doc = self._checkpoints.find_one({"_id": name})
        return doc["position"] if doc else 0

    def set_checkpoint(self, name: str, position: int) -> None:
        with _reachable():
            self._checkpoints.update_one({"_id": name}, {"$set": {"position": position}}, upsert=True)


def _insert_once(collection, document: dict) -> None:
    try:
        collection.insert_one(document)
    except DuplicateKeyError:
        pass


@contextmanager
def _reachable():
    """A server that cannot be reached is StoreUnavailable (which the relay waits out), whatever the call."""
    try:
        yield
    except UNAVAILABLE as exc:
        raise StoreUnavailable(str(exc)) from exc


def _events(commit: dict) -> list[Recorded]:
    first_position = commit.get("pos_first")
    return [row_to_event(row, None if first_position is None else first_position + i)
            for i, row in enumerate(commit["events"])]
