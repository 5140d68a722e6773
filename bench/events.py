"""The event corpus: a seeded demo campaign, replicated under new ids to any size.

`shared.demo.generate` writes the campaign through the services' own APIs into an embedded backend
(once per seed, scale, day and version of the event contracts; cached under var/bench/), and the
stored events are read back as their CloudEvents bytes — exactly what the relay puts on the bus.
`replicate` then yields as many events as a benchmark needs: copy k of the corpus, with every
aggregate id and event id rewritten the same way throughout the copy, so references between
records (a visit's cadres, a response's campaign) still hold within it.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from itertools import count
from pathlib import Path
from typing import Iterator

import orjson

from shared.clock import today
from shared.envelope import Recorded, from_bytes, to_bytes

SECRET = "bench-token-secret-long-enough-for-hs256"
CACHE = Path("var/bench")
# Aggregate ids ("visit-9f…", "response-…") and event ids (UUIDs) inside an envelope's bytes.
IDS = re.compile(rb"(\b[a-z]+-[0-9a-f]{16,32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)")


def settings(service: str, data_dir: Path, office_region: str = "360000"):
    from shared.config import Settings
    return Settings(service=service, office_region=office_region, data_dir=str(data_dir), token_secret=SECRET,
                    hash_key="bench-hash-key", event_store_url=f"sqlite:///{data_dir}/{service}-events.db",
                    bus_url=f"sqlite:///{data_dir}/bus.db", projection_url=f"sqlite:///{data_dir}/{service}-views.db")


def corpus(scale: float = 1.0, seed: int = 2010) -> list[bytes]:
    """The demo campaign's events as envelope bytes: visits' then appraisal's, each in store order."""
    path = CACHE / f"corpus-{seed}-{scale:g}-{today().isoformat()}-{_contracts()}.jsonl"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        lines = [to_bytes(e) for e in _generate(scale, seed)]
        path.with_suffix(".tmp").write_bytes(b"\n".join(lines) + b"\n")
        path.with_suffix(".tmp").rename(path)
        for stale in CACHE.glob(f"corpus-{seed}-{scale:g}-*.jsonl"):  # an earlier day's, or contracts'
            if stale != path:
                stale.unlink()
    return path.read_bytes().splitlines()


def _contracts() -> str:
    """A short digest of the event contracts: a corpus made before a type changed is made again."""
    from shared.contracts import catalog
    return hashlib.sha256(orjson.dumps(catalog.snapshot(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def _generate(scale: float, seed: int) -> list[Recorded]:
    from services.appraisal.app import create_app as appraisal_app
    from services.visits.app import create_app as visits_app
    from shared.demo import FlaskClients, generate
    from shared.eventstore.sqlite import SQLiteEventStore

    with tempfile.TemporaryDirectory(prefix="shuangwan-corpus-") as tmp:
        apps = {"visits": visits_app(settings("visits", Path(tmp))),
                "appraisal": appraisal_app(settings("appraisal", Path(tmp)))}
        generate(FlaskClients(apps, SECRET), seed=seed, scale=scale)
        events: list[Recorded] = []
        for service in ("visits", "appraisal"):
            store = SQLiteEventStore(f"sqlite:///{tmp}/{service}-events.db")
            position = 0
            while batch := store.read_after(position, 5000):
                events += batch
                position = batch[-1].position
            store.close()
        return events


class Replica:
    """One corpus event, ready to be copied: its bytes split around the ids they hold."""

    __slots__ = ("parts", "family", "stream")

    def __init__(self, raw: bytes):
        self.parts = IDS.split(raw)
        event = from_bytes(raw)
        self.family, self.stream = event.family, event.stream

    def copy(self, k: int) -> tuple[str, bytes]:
        """(key, value) of copy k: every id keeps its prefix and length, its last six digits say k."""
        suffix = b"%06x" % k
        parts = self.parts[:]
        parts[1::2] = [id_[:-6] + suffix for id_ in parts[1::2]]
        return self.stream[:-6] + suffix.decode(), b"".join(parts)


def replicate(raw: list[bytes], n: int) -> Iterator[tuple[str, str, bytes]]:
    """`n` events as (family, key, envelope bytes): copy 0 of the corpus, then copy 1, …"""
    replicas = [Replica(r) for r in raw]
    produced = 0
    for k in count():
        for replica in replicas:
            if produced == n:
                return
            key, value = replica.copy(k)
            yield replica.family, key, value
            produced += 1


def recorded(raw: list[bytes], n: int) -> Iterator[Recorded]:
    """`n` replicated events as `Recorded` (for appending to an event store)."""
    for _, _, value in replicate(raw, n):
        yield from_bytes(value)


def commands(raw: list[bytes], n: int, per_command: int, tag: str = "") -> list[tuple[str, list[Recorded]]]:
    """`n` corpus events regrouped as commands of `per_command` events, each on a new stream."""
    out: list[tuple[str, list[Recorded]]] = []
    events = list(recorded(raw, n))
    for c, start in enumerate(range(0, len(events), per_command)):
        stream = f"bench{tag}-{c:016x}"
        chunk = [e._replace(stream=stream, version=v) for v, e in enumerate(events[start:start + per_command], 1)]
        out.append((stream, chunk))
    return out
