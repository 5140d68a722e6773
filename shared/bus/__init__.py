"""The event bus port: topics of messages keyed by aggregate id, read by consumer groups.

Delivery is at least once and, for one key, in publishing order. A consumer group keeps a
stored checkpoint: a new subscription of the same group resumes after the last `commit`.
"""
from __future__ import annotations

import abc
from typing import Callable, Iterable, NamedTuple, Sequence


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
    def subscribe(self, topics: Sequence[str], group: str, keys: Callable[[str], bool] | None = None) -> Subscription:
        """`group`'s subscription to `topics`. With `keys`, its polls return only the messages whose
        key `keys` accepts, and pass over the others: consumed unseen, committed like the rest (each
        process of a rebuild applies the streams of its lane; see `shared.consumer.Lane`)."""

    def close(self) -> None:
        pass


def topic_for(family: str, prefix: str = "shuangwan") -> str:
    """One topic per service's event family, e.g. `shuangwan.visits`."""
    return f"{prefix}.{family}"
