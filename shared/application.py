"""The application layer's unit of work: load an aggregate, let it decide, append what it recorded.

`EventSourcedRepository.save` turns the aggregate's pending events into `Recorded` events —
payloads as `Aggregate._record` validated and encoded them, envelope attributes filled in — and appends them in
one atomic, version-guarded call. Afterwards it writes the aggregate's view (the document that
lists and reads serve); views are versioned, so a late writer never overwrites a newer one, and
`ViewCatchUp` repairs any view a crash left behind.

A command its client may send again (an HTTP request with an `Idempotency-Key`) runs as a
`RepeatableCommand`: the ids it makes derive from the request, so the same request sent again
makes the same ones, and an append that finds the very same events stored already (the first
try's) is taken as done rather than refused or written twice.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from contextvars import ContextVar, Token
from typing import Iterable, Iterator, TypeVar

import orjson

from shared.aggregate import Aggregate, NotFound
from shared.envelope import Recorded, new_event_id, source_of, utcnow
from shared.eventstore import ConcurrencyError, EventStore, StoreUnavailable
from shared.events import EventRegistry
from shared.observability import APPENDED
from shared.projections import Order, ProjectionStore
from shared.regions import tier_of

A = TypeVar("A", bound=Aggregate)
log = logging.getLogger(__name__)

VIEWS = "views"


def new_id(prefix: str) -> str:
    """A new aggregate id: random, or within a `RepeatableCommand` the next of its own."""
    command = _REPEATABLE.get()
    if command is not None:
        return command.new_id(prefix)
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class RepeatableCommand:
    """A command that may be sent again (see the module's docstring), named by `seed`: a digest of
    who sent it and what it says. Its n-th id is a digest of the seed and n, so the same command
    sent again makes the same ids in the same order."""

    def __init__(self, seed: str):
        self.seed = seed
        self.ids: set[str] = set()
        self.replayed = False  # whether an append found its events stored already

    def new_id(self, prefix: str) -> str:
        digest = hashlib.sha256(f"{self.seed}/{len(self.ids)}/{prefix}".encode()).hexdigest()
        id = f"{prefix}-{digest[:16]}"
        self.ids.add(id)
        return id


_REPEATABLE: ContextVar[RepeatableCommand | None] = ContextVar("repeatable_command", default=None)


def begin_repeatable(seed: str) -> Token:
    """Run what follows (in this context: this request) as the `RepeatableCommand` `seed`; pass
    the token to `end_repeatable`."""
    return _REPEATABLE.set(RepeatableCommand(seed))


def end_repeatable(token: Token) -> None:
    _REPEATABLE.reset(token)


def repeatable() -> RepeatableCommand | None:
    """The repeatable command running in this context, if any."""
    return _REPEATABLE.get()


class EventSourcedRepository:
    def __init__(self, store: EventStore, registry: EventRegistry, views: ProjectionStore, office_region: str,
                 aggregate_types: Iterable[type[Aggregate]]):
        self.store, self.registry, self.views = store, registry, views
        self.source = source_of(registry.family, office_region)
        self.types = {t.stream_prefix: t for t in aggregate_types}

    def type_of(self, stream: str) -> type[Aggregate]:
        prefix = stream.split("-", 1)[0]
        if prefix not in self.types:
            raise NotFound(f"no such record: {stream}")
        return self.types[prefix]

    def get(self, cls: type[A], id: str, expected_version: int | None = None) -> A:
        """The aggregate, rebuilt; 404 if it does not exist, 409 if it is not at `expected_version`."""
        if not id.startswith(cls.stream_prefix + "-"):
            raise NotFound(f"no {cls.__name__} {id}")
        aggregate = cls.rebuild(id, self.history(id))
        if aggregate is None:
            raise NotFound(f"no {cls.__name__} {id}")
        if expected_version is not None and expected_version != aggregate.version:
            raise ConcurrencyError(id, expected_version, aggregate.version)
        return aggregate

    def history(self, id: str) -> Iterator[Recorded]:
        """A stream's events as its aggregate applies them: payloads recorded with an older schema
        version upcast to the current one."""
        for event in self.store.read_stream(id):
            current = self.registry.get(event.type).version
            if event.schema_version != current:
                event = event._replace(data=self.registry.upcast(event.type, event.schema_version, event.data),
                                       schema_version=current)
            yield event

    def save(self, aggregate: Aggregate) -> list[Recorded]:
        if not aggregate.pending:
            return []
        now = utcnow()
        base = aggregate.stored_version
        records = []
        # `_record` is the only way into `pending`, and it has encoded each payload already (a second
        # marshmallow pass cost as much again: half the CPU of a questionnaire's POST).
        for offset, (type_, payload) in enumerate(aggregate.pending, start=1):
            records.append(Recorded(
                id=new_event_id(), family=self.registry.family, type=type_, schema_version=self.registry.get(type_).version,
                stream=aggregate.id, version=base + offset, data=payload, time=now,
                region=aggregate.region, tier=tier_of(aggregate.region), source=self.source))
        try:
            stored = self.store.append(aggregate.id, base, records)
        except ConcurrencyError:
            stored = self._stored_before(aggregate, base, records)
            if stored is None:
                raise
        else:
            APPENDED.labels(self.registry.family).inc(len(stored))
        aggregate.pending = []
        try:
            self.write_view(aggregate)
        except StoreUnavailable as exc:
            # The command happened (its events are stored); the view catch-up will mend the view.
            log.warning("view of %s not written: %s", aggregate.id, exc)
        return stored

    def _stored_before(self, aggregate: Aggregate, base: int, records: list[Recorded]) -> list[Recorded] | None:
        """The events a repeated command's earlier try stored where `records` were to go, if that is
        what stands in their way: the stream is one the command made, and the events past `base`
        are the same types with the same payloads. None otherwise."""
        command = _REPEATABLE.get()
        if command is None or aggregate.id not in command.ids:
            return None
        found = [e for e in self.history(aggregate.id) if base < e.version <= base + len(records)]
        if [(e.type, _canonical(e.data)) for e in found] != [(r.type, _canonical(r.data)) for r in records]:
            return None
        command.replayed = True
        log.info("%s: events %s–%s were stored by an earlier try of the same request", aggregate.id,
                 base + 1, base + len(records))
        return found

    def write_view(self, aggregate: Aggregate) -> None:
        doc = aggregate.view()
        doc.update(_id=aggregate.id, _version=aggregate.version, _kind=aggregate.stream_prefix,
                   region=doc.get("region", aggregate.region))
        self.views.put_newer(VIEWS, [doc])

    def view(self, id: str) -> dict:
        doc = self.views.get(VIEWS, id)
        if doc is None:
            raise NotFound(f"no such record: {id}")
        return doc

    def find(self, kind: str, where: dict | None = None) -> list[dict]:
        return self.views.find(VIEWS, {"_kind": kind, **(where or {})})

    def scan(self, kind: str, where: dict | None = None, order: Order | None = None) -> Iterator[dict]:
        """The views of `kind` matching `where`, read one at a time, in `order` (lists page these)."""
        return self.views.scan(VIEWS, {"_kind": kind, **(where or {})}, order=order)

    def count(self, kind: str, where: dict | None = None) -> int:
        return self.views.count(VIEWS, {"_kind": kind, **(where or {})})


def _canonical(data: dict) -> bytes:
    """A payload as JSON with sorted keys: equal for equal payloads, stored or just made."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


class ViewCatchUp:
    """Rewrites the views of every aggregate with events past the `views` checkpoint.

    Run by the service's relay loop, it repairs a view a crash left stale between an append
    and its view write. It only ever rebuilds from the store, so it is always safe to run; a
    view already at its stream's version is left alone (replaying every appended stream again
    was most of a relay process's CPU).
    """

    CHECKPOINT = "views"

    def __init__(self, repository: EventSourcedRepository):
        self.repository = repository

    def run_once(self, batch: int = 1000) -> int:
        store = self.repository.store
        position = store.get_checkpoint(self.CHECKPOINT)
        events = store.read_after(position, batch)
        if not events:
            return 0
        latest = {e.stream: e.version for e in events}  # each stream's last version in this batch
        current = self.repository.views.get_many(VIEWS, latest)
        for stream, version in latest.items():
            if current.get(stream, {}).get("_version", 0) >= version:
                continue  # `save` wrote this view already, as it does unless it crashed in between
            try:
                cls = self.repository.type_of(stream)
            except NotFound:
                continue
            aggregate = cls.rebuild(stream, self.repository.history(stream))
            if aggregate is not None:
                self.repository.write_view(aggregate)
        store.set_checkpoint(self.CHECKPOINT, events[-1].position)
        return len(events)


