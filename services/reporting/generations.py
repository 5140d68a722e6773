"""Generations of projections: how reporting rebuilds without ever answering from half a build.

Every generation is a part of the projection store (see its port), `g3`…: on SQLite a database
file of its own, elsewhere collections named `g3.visits`, `g3.problems`… A `meta` document
(collection `meta`, outside any generation) says which generation queries read (`active`) and
which one a rebuild is filling (`building`), and names the consumer group feeding each
(`<topics>-reporting-<office>-g3-<nonce>`), so each generation has its own bus checkpoint. The
nonce, made when the generation starts, ties the group to this store: projections thrown away
with their database start again from offset zero instead of resuming an orphaned group's
checkpoint.

A rebuild is: a new generation and a new group, consumed from the start of the topics until the
lag is zero, then `active` switches to it and the old generation is dropped. Until the switch,
queries and the live consumer keep using the old generation. A rebuild killed half-way leaves
`building` and its group's checkpoint behind, so the next `rebuild` resumes where it stopped
(rows already written are skipped by their `_version`).

Each generation also records the version of the projections that built it (`versions`). When a
projection changes what it writes, its version is raised (`projections.VERSION`): the active
generation is then stale, its rows lacking what the new code would have written, until a rebuild
makes a current one. `consume --rebuild-if-stale` does that rebuild at start (a lone consumer);
otherwise the consumer warns and /reports/generations says so.

The generation being built is written provisionally (SQLite: without waiting for the disk), and
made durable before the switch. A rebuild stopped by the machine stopping, not by a kill, may have
lost rows its group's checkpoint counts as written: it is not resumed but begun again.
"""
from __future__ import annotations

import uuid

from shared.projections import ProjectionStore

META = "meta"
META_ID = "generations"


def part_of(generation: int) -> str:
    """The name of the store's part holding `generation`."""
    return f"g{generation}"


def generation_of(part: str) -> int | None:
    """The generation a part of the store holds (None for foreign names)."""
    if part[:1] == "g" and part[1:].isdigit():
        return int(part[1:])
    return None


class Generations:
    """The `meta` document: which generation is active, which is being built, and their groups."""

    def __init__(self, store: ProjectionStore, group_base: str = "reporting", version: int = 1):
        """`version`: of the projections this process writes with (see the module's docstring)."""
        self.store, self.group_base, self.version = store, group_base, version

    def read(self) -> dict:
        """{"active": n, "building": m or None, "groups": {"n": group}, "versions": {"n": version}};
        generation 1 is active before anything was built."""
        meta = self.store.get(META, META_ID)
        if meta is None:
            meta = {"_id": META_ID, "_version": 1, "active": 1, "building": None, "groups": {"1": self._new_group(1)},
                    "versions": {"1": self.version}}
            self.store.put_newer(META, [meta])  # two starting processes: the first one's record wins
            meta = self.store.get(META, META_ID)
        return meta

    @property
    def active(self) -> int:
        return self.read()["active"]

    def group(self, generation: int) -> str:
        """The consumer group feeding `generation`."""
        return self.read()["groups"][str(generation)]

    def built_by(self, generation: int | None = None) -> int:
        """The version of the projections that built `generation` (the active one by default); 1 for
        a generation recorded before versions were."""
        meta = self.read()
        return meta.get("versions", {}).get(str(meta["active"] if generation is None else generation), 1)

    def stale(self) -> bool:
        """Whether the active generation was built by an earlier version of the projections."""
        return self.built_by() < self.version

    def _new_group(self, generation: int) -> str:
        return f"{self.group_base}-g{generation}-{uuid.uuid4().hex[:8]}"

    def view(self, generation: int | None = None, building: bool = False) -> ProjectionStore:
        """The rows of `generation` (the active one by default); `building`: for the rebuild that
        fills it, written provisionally until `switch`."""
        return self.store.part(part_of(self.active if generation is None else generation), provisional=building)

    def start_building(self) -> int:
        """The generation to build: the one a killed rebuild left, else a new one."""
        meta = self.read()
        building = meta["building"]
        if building is not None:
            if self.store.part_intact(part_of(building)):
                return building
            # The machine stopped while it was written provisionally: its rows may be lost while
            # its group's checkpoint is not. Begun again under a new number and group.
            self.store.drop_part(part_of(building))
        generation = max({meta["active"], *self.known(), *map(int, meta["groups"])}) + 1
        groups = {g: group for g, group in meta["groups"].items() if g != str(building)}
        versions = {g: v for g, v in meta.get("versions", {}).items() if g != str(building)}
        self._write(meta, building=generation, groups={**groups, str(generation): self._new_group(generation)},
                    versions={**versions, str(generation): self.version})
        return generation

    def switch(self, generation: int) -> int:
        """Make a built generation the active one; returns the generation it replaces. Its rows
        are made durable first, and the switch itself before any old generation is dropped."""
        meta = self.read()
        if meta["building"] != generation:
            raise RuntimeError(f"generation {generation} is not the one being built ({meta['building']})")
        self.store.make_durable(part_of(generation))
        self._write(meta, active=generation, building=None, groups={str(generation): meta["groups"][str(generation)]},
                    versions={str(generation): meta.get("versions", {}).get(str(generation), 1)})
        self.store.make_durable()
        return meta["active"]

    def known(self) -> set[int]:
        """Generations that have rows in the store."""
        return {g for g in map(generation_of, self.store.parts()) if g is not None}

    def sweep(self) -> list[int]:
        """Drop every generation that is neither active nor being built (e.g. after a switch)."""
        meta = self.read()
        stale = sorted(self.known() - {meta["active"], meta["building"]})
        for generation in stale:
            self.store.drop_part(part_of(generation))
        return stale

    def _write(self, meta: dict, **changes) -> None:
        # put_newer with the next _version: two writers racing cannot both win.
        new = {**meta, **changes, "_version": meta["_version"] + 1}
        self.store.put_newer(META, [new])
        if self.store.get(META, META_ID) != new:
            raise RuntimeError("the generations record changed meanwhile; is another rebuild running?")
