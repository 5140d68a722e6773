"""A storage adapter switched off for part of what it holds, for tests of what survives that."""
from __future__ import annotations

from typing import Callable

from shared.eventstore import StoreUnavailable


def switch_off(patch, store, method: str, when: Callable[..., bool]) -> None:
    """`store.<method>` raises StoreUnavailable for the calls `when` accepts (given the same
    arguments), and works as before for the others, until `patch` (a pytest monkeypatch) is undone."""
    working = getattr(store, method)

    def switched_off(*args):
        if when(*args):
            raise StoreUnavailable("switched off by the test")
        return working(*args)

    patch.setattr(store, method, switched_off)
