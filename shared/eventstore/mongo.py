"""MongoDB event store (works on MongoDB and on FerretDB).

Without multi-document transactions, the unit of atomicity is one document. So each append is
one *commit* document holding all the events of one command, with `_id = "<stream>|<first
version>"`. Optimistic concurrency: the writer reads the stream's head, and only the writer that
inserts the commit right after that head succeeds — a second one collides on the unique `_id`.

Global order: commits are stored without a position; the outbox relay (one per service) calls
`sequence_pending`, which numbers them — always after their stream predecessor — so `read_after`
can walk the whole store in an order that keeps every stream's order.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Sequence

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from shared.envelope import Recorded, utcnow
from shared.eventstore import (ConcurrencyError, EventStore, StoreUnavailable, check_versions,
                               event_to_row, row_to_event)
from shared.mongo import UNAVAILABLE, database


class MongoEventStore(EventStore):
    def __init__(self, url: str, namespace: str):
        db = database(url, namespace)
        self._commits = db["commits"]
        self._checkpoints = db["checkpoints"]
        try:
            self._commits.create_index([("stream", ASCENDING), ("first", ASCENDING)])
            self._commits.create_index([("pos_first", ASCENDING)])
            self._commits.create_index([("pos_last", ASCENDING)])
            self._commits.create_index([("stored_at", ASCENDING)])
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def append(self, stream: str, expected_version: int, events: Sequence[Recorded]) -> list[Recorded]:
        check_versions(stream, expected_version, events)
        try:
            head = self._head(stream)
            if head != expected_version:
                raise ConcurrencyError(stream, expected_version, head)
            self._commits.insert_one({
                "_id": f"{stream}|{expected_version + 1}",
                "stream": stream,
                "first": expected_version + 1,
                "last": expected_version + len(events),
                "events": [event_to_row(e) for e in events],
                "stored_at": utcnow(),
                "pos_first": None,
                "pos_last": None,
            })
        except DuplicateKeyError:
            raise ConcurrencyError(stream, expected_version) from None
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc
        return list(events)

    def _head(self, stream: str) -> int:
        last = self._commits.find_one({"stream": stream}, {"last": 1}, sort=[("first", DESCENDING)])
        return last["last"] if last else 0

    def read_stream(self, stream: str) -> list[Recorded]:
        try:
            commits = list(self._commits.find({"stream": stream}).sort("first", ASCENDING))
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc
        return [event for commit in commits for event in _events(commit)]

    def read_after(self, position: int, limit: int = 1000) -> list[Recorded]:
        out: list[Recorded] = []
        with _reachable():
            cursor = self._commits.find({"pos_last": {"$gt": position}}).sort("pos_first", ASCENDING).limit(limit)
            for commit in cursor:
                out.extend(e for e in _events(commit) if e.position > position)
                if len(out) >= limit:
                    break
        return out[:limit]

    def sequence_pending(self, batch: int = 1000) -> int:
        with _reachable():
            return self._sequence_pending(batch)

    def _sequence_pending(self, batch: int) -> int:
        pending = list(self._commits.find({"pos_first": None}).sort("stored_at", ASCENDING).limit(batch))
        if not pending:
            return 0
        top = self._commits.find_one({"pos_last": {"$ne": None}}, {"pos_last": 1}, sort=[("pos_last", DESCENDING)])
        next_position = (top["pos_last"] if top else 0) + 1
        sequenced_heads: dict[str, int] = {}
        blocked: set[str] = set()
        done = 0
        # The oldest commits, each stream's in version order, and never one ahead of its stream
        # predecessor: a commit whose predecessor is not sequenced yet (still being written, or
        # beyond this batch) waits for a later round.
        for commit in sorted(pending, key=lambda c: (c["stream"], c["first"])):
            stream = commit["stream"]
            if stream in blocked:
                continue
            if commit["first"] != 1 and sequenced_heads.get(stream) != commit["first"] - 1:
                previous = self._commits.find_one({"stream": stream, "last": commit["first"] - 1})
                if previous is None or previous.get("pos_first") is None:
                    blocked.add(stream)
                    continue
            size = commit["last"] - commit["first"] + 1
            self._commits.update_one({"_id": commit["_id"]}, {"$set": {
                "pos_first": next_position, "pos_last": next_position + size - 1}})
            next_position += size
            sequenced_heads[stream] = commit["last"]
            done += size
        return done

    def get_checkpoint(self, name: str) -> int:
        with _reachable():
            doc = self._checkpoints.find_one({"_id": name})
        return doc["position"] if doc else 0

    def set_checkpoint(self, name: str, position: int) -> None:
        with _reachable():
            self._checkpoints.update_one({"_id": name}, {"$set": {"position": position}}, upsert=True)


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
