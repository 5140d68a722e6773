"""The event bus port: topics of messages keyed by aggregate id, read by consumer groups.

Delivery is at least once and, for one key, in publishing order. A consumer group keeps a
stored checkpoint: a new subscription of the same group resumes after the last `commit`.
"""
from __future__ import annotations

import abc
import zlib
from typing import Iterable, NamedTuple, Sequence


class BusUnavailable(Exception):
    """The bus cannot take or give messages right now; the caller retries later."""


class Message(NamedTuple):
    """One message as a subscription returns it (a named tuple: made for every message read)."""
    topic: str
    key: str
    value: bytes
    partition: int
    offset: int

    @property
    def ref(self) -> str:
        """Where this message lives: unique on the bus, used to name dead letters."""
        return f"{self.topic}/{self.partition}/{self.offset}"


def key_hash(key: str) -> int:
    """A message key's hash, the same in every process and on every run (unlike `hash()`)."""
    return zlib.crc32(key.encode())


class Lane(NamedTuple):
    """Lane `index` of `count`: the streams whose key hashes to `index`. Processes that share one
    consumer group's work (a rebuild on the embedded bus, see `shared.consumer`) each subscribe
    with a lane, under a group of its own (`group`), whose checkpoints the bus merges into the
    shared group's when all are done."""
    index: int
    count: int

    def holds(self, key: str) -> bool:
        return key_hash(key) % self.count == self.index

    def group(self, shared: str) -> str:
        return f"{shared}#{self.index}/{self.count}"


class Subscription(abc.ABC):
    @abc.abstractmethod
    def poll(self, timeout: float = 1.0, max_messages: int = 500) -> list[Message]:
        """The next messages after what this subscription has returned (waits up to `timeout`)."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Store the group's checkpoint: everything returned by `poll` so far is done."""

    @abc.abstractmethod
    def lag(self) -> int:
        """How many messages on the subscribed topics lie beyond what `poll` has returned (or passed
        over, see `EventBus.subscribe`)."""

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class EventBus(abc.ABC):
    @abc.abstractmethod
    def ensure_topics(self, topics: Iterable[str]) -> None:
        """Create the topics if missing; event topics keep their messages forever."""

    @abc.abstractmethod
    def publish(self, topic: str, messages: Sequence[tuple[str, bytes]]) -> None:
        """Send (key, value) pairs in order; returns only once the bus has them durably."""

    @abc.abstractmethod
    def subscribe(self, topics: Sequence[str], group: str, lane: Lane | None = None) -> Subscription:
        """`group`'s subscription to `topics`. With a `lane`, its polls return only the messages
        whose key the lane holds, and pass over the others: consumed unseen, committed like the
        rest (each process of a rebuild applies the streams of its lane)."""

    def close(self) -> None:
        pass


def topic_for(family: str, prefix: str = "shuangwan") -> str:
    """One topic per service's event family, e.g. `shuangwan.visits`."""
    return f"{prefix}.{family}"
