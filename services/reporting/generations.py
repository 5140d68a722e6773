"""Generations of projections: how reporting rebuilds without ever answering from half a build.

Every projection collection is named with its generation, `g3.visits`, `g3.problems`… A `meta`
document (collection `meta`, outside any generation) says which generation queries read
(`active`) and which one a rebuild is filling (`building`), and names the consumer group feeding
each (`<topics>-reporting-<office>-g3-<nonce>`), so each generation has its own bus checkpoint.
The nonce, made when the generation starts, ties the group to this store: projections thrown
away with their database start again from offset zero instead of resuming an orphaned group's
checkpoint.

A rebuild is: a new generation and a new group, consumed from the start of the topics until the
lag is zero, then `active` switches to it and the old generation is dropped. Until the switch,
queries and the live consumer keep using the old generation. A rebuild killed half-way leaves
`building` and its group's checkpoint behind, so the next `rebuild` resumes where it stopped
(rows already written are skipped by their `_version`).
"""
from __future__ import annotations

import uuid

from shared.projections import Namespaced, ProjectionStore

META = "meta"
META_ID = "generations"


class GenerationStore(Namespaced):
    """A view of a projection store in which every collection belongs to one generation."""

    def __init__(self, store: ProjectionStore, generation: int):
        super().__init__(store, prefix_of(generation))
        self.generation = generation

    def drop_all(self) -> None:
        for collection in self.collections():
            self.drop(collection)


def prefix_of(generation: int) -> str:
    return f"g{generation}."


def generation_of(collection: str) -> int | None:
    """The generation a stored collection belongs to (None for `meta` and foreign names)."""
    head, dot, _ = collection.partition(".")
    if dot and head[:1] == "g" and head[1:].isdigit():
        return int(head[1:])
    return None


class Generations:
    """The `meta` document: which generation is active, which is being built, and their groups."""

    def __init__(self, store: ProjectionStore, group_base: str = "reporting"):
        self.store, self.group_base = store, group_base

    def read(self) -> dict:
        """{"active": n, "building": m or None, "groups": {"n": group}}; generation 1 is active
        before anything was built."""
        meta = self.store.get(META, META_ID)
        if meta is None:
            meta = {"_id": META_ID, "_version": 1, "active": 1, "building": None, "groups": {"1": self._new_group(1)}}
            self.store.put_newer(META, [meta])  # two starting processes: the first one's record wins
            meta = self.store.get(META, META_ID)
        return meta

    @property
    def active(self) -> int:
        return self.read()["active"]

    def group(self, generation: int) -> str:
        """The consumer group feeding `generation`."""
        return self.read()["groups"][str(generation)]

    def _new_group(self, generation: int) -> str:
        return f"{self.group_base}-g{generation}-{uuid.uuid4().hex[:8]}"

    def view(self, generation: int | None = None) -> GenerationStore:
        return GenerationStore(self.store, self.active if generation is None else generation)

    def start_building(self) -> int:
        """The generation to build: the one a killed rebuild left, else a new one."""
        meta = self.read()
        if meta["building"] is not None:
            return meta["building"]
        generation = max({meta["active"], *self.known(), *map(int, meta["groups"])}) + 1
        self._write(meta, building=generation, groups={**meta["groups"], str(generation): self._new_group(generation)})
        return generation

    def switch(self, generation: int) -> int:
        """Make a built generation the active one; returns the generation it replaces."""
        meta = self.read()
        if meta["building"] != generation:
            raise RuntimeError(f"generation {generation} is not the one being built ({meta['building']})")
        self._write(meta, active=generation, building=None, groups={str(generation): meta["groups"][str(generation)]})
        return meta["active"]

    def known(self) -> set[int]:
        """Generations that have collections in the store."""
        return {g for g in map(generation_of, self.store.collections()) if g is not None}

    def sweep(self) -> list[int]:
        """Drop every generation that is neither active nor being built (e.g. after a switch)."""
        meta = self.read()
        stale = sorted(self.known() - {meta["active"], meta["building"]})
        for generation in stale:
            GenerationStore(self.store, generation).drop_all()
        return stale

    def _write(self, meta: dict, **changes) -> None:
        # put_newer with the next _version: two writers racing cannot both win.
        new = {**meta, **changes, "_version": meta["_version"] + 1}
        self.store.put_newer(META, [new])
        if self.store.get(META, META_ID) != new:
            raise RuntimeError("the generations record changed meanwhile; is another rebuild running?")
