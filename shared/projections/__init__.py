"""The projection store port: documents in named collections, keyed by `_id`.

Projections are disposable: anything here can be thrown away and rebuilt from the bus. A
document's fields are JSON values; `find` filters on top-level fields by equality, by a set
of values (`In`), by a string prefix (`Prefix`, how region codes express jurisdiction) or by
an inclusive range (`Between`, how lists filter on dates).

Reports fold over collections that grow with every event, so besides `find` (a list) the port
has `scan`, which hands the same documents over one at a time and, given `fields`, only the
top-level fields asked for (a response's two hundred ratings are not read to count it), and
`count`. A caller holding one document at a time holds memory bounded by its answer, not by
the collection. `scan` can also hand them over in an `order` (a list page reads the first rows of
an ordered scan and counts the rest, never holding the whole list).
"""
from __future__ import annotations

import abc
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, ContextManager, Iterable, Iterator, Mapping, Sequence


@dataclass(frozen=True)
class Prefix:
    value: str


@dataclass(frozen=True)
class In:
    values: tuple


@dataclass(frozen=True)
class Between:
    """low <= value <= high, either bound None for none; a document without the field is outside.
    Values of one kind (strings, such as ISO dates, or numbers)."""
    low: Any = None
    high: Any = None


# A scan's order: (top-level field, descending) pairs, the first deciding first. Documents equal on
# all of them come in `_id` order (the same direction as the last pair); a document without a field
# sorts as null, before any value.
Order = Sequence[tuple[str, bool]]


class ProjectionStore(abc.ABC):
    @abc.abstractmethod
    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]: ...

    @abc.abstractmethod
    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        """Insert or replace each document by its `_id`."""

    @abc.abstractmethod
    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        """Like `put_many`, but a document replaces a stored one only if its `_version` is higher."""

    @abc.abstractmethod
    def find(self, collection: str, where: Mapping | None = None) -> list[dict]: ...

    def scan(self, collection: str, where: Mapping | None = None,
             fields: Iterable[str] | None = None, order: Order | None = None) -> Iterator[dict]:
        """The documents `find` returns, read as they are iterated, in `order` (see `Order`) or in
        none; with `fields` (top-level names), each holds only `_id` and those of the fields it
        has. Naming fields pays where they leave out most of a document (a response's ratings); a
        slim document is read whole as cheaply.

        Adapters read lazily; this default, for stores that only implement `find` (views over
        another store), is correct but holds the whole list.
        """
        names = None if fields is None else field_names(fields)
        docs = self.find(collection, where)
        return (only(doc, names) for doc in (docs if order is None else in_order(docs, order)))

    def count(self, collection: str, where: Mapping | None = None) -> int:
        """How many documents `find` would return."""
        return sum(1 for _ in self.scan(collection, where, fields=()))

    @abc.abstractmethod
    def delete(self, collection: str, where: Mapping) -> int:
        """Remove the documents `find(collection, where)` returns; how many there were. (The views
        store forgets what it keeps for a while only, e.g. answers kept for repeated requests.)"""

    @abc.abstractmethod
    def drop(self, collection: str) -> None: ...

    @abc.abstractmethod
    def collections(self) -> list[str]: ...

    def together(self) -> ContextManager:
        """Writes made inside may be made as one (SQLite: one transaction instead of one per
        `put_many`). Only a saving: nothing may rely on them landing together, and a store that
        cannot group writes ignores it."""
        return nullcontext()

    def get(self, collection: str, id: str) -> dict | None:
        return self.get_many(collection, [id]).get(id)

    def put(self, collection: str, doc: dict) -> None:
        self.put_many(collection, [doc])

    def close(self) -> None:
        pass

    # Parts: stores within this one. Reporting keeps each generation of its projections in a part
    # of its own: a rebuild fills one while queries read another, and the old one is dropped whole.

    def part(self, name: str, provisional: bool = False) -> "ProjectionStore":
        """Part `name` (letters, digits, `_` and `-`): collections no other part sees, as a store.
        By default they are this store's collections named `<name>.<collection>`; an adapter may
        keep a part apart (SQLite: a database file of its own, beside this one).

        A `provisional` part may be written faster at the price of durability: its writes survive
        the writing process being killed, but a machine that stops (a power cut, a crash of the
        operating system) before `make_durable(name)` may lose or tear them; `part_intact` tells
        whether that may have happened. Stores whose writes are always durable ignore it."""
        return Namespaced(self, part_name(name) + ".")

    def parts(self) -> set[str]:
        """The names of the parts holding any collection."""
        return {c.partition(".")[0] for c in self.collections() if "." in c}

    def drop_part(self, name: str) -> None:
        part = self.part(name)
        for collection in part.collections():
            part.drop(collection)

    def make_durable(self, part: str | None = None) -> None:
        """Make the writes made so far durable: those to part `part`, or to this store's own
        collections. Stores whose every write is durable once made (the default) need nothing."""

    def part_intact(self, name: str) -> bool:
        """False when part `name` was written provisionally and the machine may have stopped before
        `make_durable` (its writes may be lost or torn): it must be dropped and written again."""
        return True


def part_name(name: str) -> str:
    """`name`, checked: adapters make names of collections and files from it."""
    if not name or not name.replace("_", "").replace("-", "").isalnum() or not name.isascii():
        raise ValueError(f"bad part name {name!r}")
    return name


def matches(doc: Mapping, where: Mapping | None) -> bool:
    """The filter semantics every adapter implements (the memory adapter uses it directly)."""
    for field, wanted in (where or {}).items():
        value = doc.get(field)
        if isinstance(wanted, Prefix):
            if not (isinstance(value, str) and value.startswith(wanted.value)):
                return False
        elif isinstance(wanted, In):
            if value not in wanted.values:
                return False
        elif isinstance(wanted, Between):
            if value is None or (wanted.low is not None and value < wanted.low) \
                    or (wanted.high is not None and value > wanted.high):
                return False
        elif value != wanted:
            return False
    return True


def in_order(docs: Iterable[dict], order: Order) -> list[dict]:
    """`docs` sorted as `Order` says (the memory adapter's and the default scan's sort)."""
    out = sorted(docs, key=lambda d: d["_id"], reverse=bool(order) and order[-1][1])
    for field, descending in reversed(order):  # stable sorts, least significant key first
        out.sort(key=lambda d: (d.get(field) is not None, d.get(field)), reverse=descending)
    return out


def only(doc: dict, fields: Iterable[str] | None) -> dict:
    """`doc` cut down to `_id` and those of `fields` it has (all of it when `fields` is None)."""
    if fields is None:
        return doc
    return {f: doc[f] for f in ("_id", *fields) if f in doc}


def field_name(name: str) -> str:
    """`name`, checked: adapters put field names into the text of queries."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad field name {name!r}")
    return name


def field_names(fields: Iterable[str]) -> list[str]:
    """The checked names of `fields` but `_id`, which every scanned document has anyway."""
    return [field_name(f) for f in fields if f != "_id"]


class Namespaced(ProjectionStore):
    """The collections of `store` whose names start with `prefix`, under their names without it;
    every operation, `scan` and `count` included, is passed on to `store`."""

    def __init__(self, store: ProjectionStore, prefix: str):
        self.store, self.prefix = store, prefix

    def get_many(self, collection: str, ids: Iterable[str]) -> dict[str, dict]:
        return self.store.get_many(self.prefix + collection, ids)

    def put_many(self, collection: str, docs: Iterable[dict]) -> None:
        self.store.put_many(self.prefix + collection, docs)

    def put_newer(self, collection: str, docs: Iterable[dict]) -> None:
        self.store.put_newer(self.prefix + collection, docs)

    def find(self, collection: str, where: Mapping | None = None) -> list[dict]:
        return self.store.find(self.prefix + collection, where)

    def scan(self, collection: str, where: Mapping | None = None,
             fields: Iterable[str] | None = None, order: Order | None = None) -> Iterator[dict]:
        return self.store.scan(self.prefix + collection, where, fields, order)

    def count(self, collection: str, where: Mapping | None = None) -> int:
        return self.store.count(self.prefix + collection, where)

    def delete(self, collection: str, where: Mapping) -> int:
        return self.store.delete(self.prefix + collection, where)

    def drop(self, collection: str) -> None:
        self.store.drop(self.prefix + collection)

    def collections(self) -> list[str]:
        return [c[len(self.prefix):] for c in self.store.collections() if c.startswith(self.prefix)]

    def together(self) -> ContextManager:
        return self.store.together()
