"""A consumer process for the crash test: `python -m tests.contract.consumer_worker …`.

It consumes one topic with `SumProjection` and `CountProjection` until it is killed, or, with
`--until-idle`, until it has caught up. `--hold-after-puts N` makes it stop dead right after
its N-th projection write (rows written, bus checkpoint not yet committed) and wait there to
be killed; `--slow S` sleeps S seconds after each projection write, so that a kill at a random
moment most likely falls between the writes and the commit. `--hold BYTES` is the consumer's
`hold`: it folds that many bytes of messages before it writes.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from shared.backends import event_bus, projection_store
from shared.consumer import Consumer
from shared.projections import ProjectionStore
from tests.contract.support import CountProjection, SumProjection, make_registry


class Instrumented(ProjectionStore):
    def __init__(self, inner: ProjectionStore, hold_after: int, marker: str | None, slow: float):
        self.inner, self.hold_after, self.marker, self.slow = inner, hold_after, marker, slow
        self.puts = 0

    def put_many(self, collection, docs):
        docs = list(docs)
        self.inner.put_many(collection, docs)
        if not docs:
            return
        self.puts += 1
        if self.puts == self.hold_after:
            with open(self.marker, "w") as fh:
                fh.write(f"{collection} {len(docs)}\n")
            while True:  # wait here to be killed
                time.sleep(1)
        if self.slow:
            time.sleep(self.slow)

    def get_many(self, collection, ids):
        return self.inner.get_many(collection, ids)

    def put_newer(self, collection, docs):
        self.inner.put_newer(collection, docs)

    def find(self, collection, where=None):
        return self.inner.find(collection, where)

    def delete(self, collection, where):
        return self.inner.delete(collection, where)

    def drop(self, collection):
        self.inner.drop(collection)

    def collections(self):
        return self.inner.collections()

    def close(self):
        self.inner.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--bus", required=True)
    p.add_argument("--projections", required=True)
    p.add_argument("--namespace", required=True)
    p.add_argument("--family", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--hold-after-puts", type=int, default=0)
    p.add_argument("--marker")
    p.add_argument("--slow", type=float, default=0.0)
    p.add_argument("--until-idle", action="store_true")
    p.add_argument("--hold", type=int, default=0)
    args = p.parse_args(argv)

    registry = make_registry(args.family)
    bus = event_bus(args.bus)
    store = Instrumented(projection_store(args.projections, args.namespace), args.hold_after_puts,
                         args.marker, args.slow)
    consumer = Consumer(bus, [args.topic], args.group, {registry.family: registry}, store,
                        [SumProjection(), CountProjection()], hold=args.hold)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if args.until_idle:
            consumer.catch_up()
        else:
            while not stop.is_set():
                consumer.run_once(timeout=0.2, max_messages=args.batch)
    finally:
        consumer.close()
        bus.close()
        store.close()
    print(f"applied {consumer.applied} dead {consumer.dead} pid {os.getpid()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
