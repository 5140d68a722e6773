"""Example integrator: read Shuangwan's events from Kafka and handle each exactly once.

    pip install kafka-python
    python docs/integrator_example.py --bootstrap 127.0.0.1:9092 --topic shuangwan.visits --group my-system

It prints each event's type, subject (the aggregate id), region and data. Stop it with Ctrl-C,
or let it stop by itself with `--max-events N` (after N events handled) and/or `--timeout S`
(after S seconds without a new message). It needs nothing from the Shuangwan code base: the
contract is the CloudEvents envelope and the JSON Schemas in docs/events/ (see its README).

How it consumes (the same applies in any language):

- A consumer group of your own (`--group`): Kafka keeps your position (the committed offsets),
  so a restart resumes where you left off. The first time, it starts from the earliest offset:
  the topics keep every event forever, so you receive the whole history.
- Offsets are committed by hand, only AFTER an event has been handled. If the process dies in
  between, the event is delivered again: delivery is at least once, never at most once.
- So handling must be idempotent. Every event has a unique CloudEvents `id`; this example
  records the ids it has handled (in SQLite with `--state FILE`, in memory otherwise) and skips
  an id it has seen. In a real system, record the id in the same database transaction as the
  event's effect (e.g. a `handled_events(id PRIMARY KEY)` table next to your own tables), so
  the effect and the "handled" mark are stored together or not at all.
- Order: events of one aggregate (one `subject`, which is also the Kafka key) arrive in the
  order they happened (`streamversion` 1, 2, 3, ...); there is no order across aggregates.
- Versions: `dataversion` says which version of the type's schema `data` follows. Events are
  published as they were recorded, so old events keep their old version: switch on it.
  Ignore fields, event types and enum values you do not know: they are added without notice.
"""
from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import sys
import time

from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata


class HandledIds:
    """The ids of the events already handled. A real system keeps them in its own database,
    written in the same transaction as whatever handling an event changes."""

    def __init__(self, path: str = ":memory:"):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS handled_events (id TEXT PRIMARY KEY)")

    def first_time(self, event_id: str) -> bool:
        """Mark `event_id` handled; False if it already was (a redelivery)."""
        cursor = self.db.execute("INSERT OR IGNORE INTO handled_events (id) VALUES (?)", (event_id,))
        return cursor.rowcount == 1

    def commit(self) -> None:
        self.db.commit()


def handle(event: dict) -> None:
    """What your system does with one event. Here: print it."""
    print(f"{event['type']} subject={event.get('subject')} region={event.get('region')} "
          f"id={event['id']} streamversion={event.get('streamversion')} dataversion={event.get('dataversion')}")
    print("  data=" + json.dumps(event.get("data"), ensure_ascii=False, sort_keys=True))
    sys.stdout.flush()
    # A real handler dispatches on the type and the payload's version, e.g.:
    #   if event["type"] == "cn.shuangwan.visits.VisitLogged" and event["dataversion"] == 1: ...
    #   else: ignore types it does not know (new types appear without notice).


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print Shuangwan events from Kafka, each exactly once.")
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, host:port[,host:port]")
    parser.add_argument("--topic", required=True, action="append",
                        help="topic to read, e.g. shuangwan.visits (repeat for several)")
    parser.add_argument("--group", required=True, help="your consumer group, e.g. my-system")
    parser.add_argument("--max-events", type=int, default=None, help="stop after handling N events")
    parser.add_argument("--timeout", type=float, default=None,
                        help="stop after S seconds without a new message")
    parser.add_argument("--state", default=":memory:",
                        help="SQLite file keeping the handled event ids across runs (default: in memory)")
    args = parser.parse_args(argv)

    consumer = KafkaConsumer(
        *args.topic,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        auto_offset_reset="earliest",   # a new group reads the topics from their beginning
        enable_auto_commit=False,       # we commit ourselves, after handling
        isolation_level="read_committed",
    )
    handled_ids = HandledIds(args.state)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    handled = duplicates = 0
    last_message = time.monotonic()
    try:
        while not stopping:
            batches = consumer.poll(timeout_ms=500)
            if not batches:
                if args.timeout is not None and time.monotonic() - last_message > args.timeout:
                    break
                continue
            last_message = time.monotonic()
            done: dict = {}  # partition → offset to commit (the next one to read)
            for partition, records in batches.items():
                for record in records:
                    try:
                        event = json.loads(record.value)
                        event_id = event["id"]
                    except (ValueError, KeyError, TypeError):
                        # Not one of our events: note it and move on, never block the partition.
                        print(f"skipping a malformed message at {record.topic}/{record.partition}/{record.offset}",
                              file=sys.stderr)
                        event_id = None
                    if event_id is not None:
                        if handled_ids.first_time(event_id):
                            handle(event)
                            handled += 1
                        else:
                            duplicates += 1  # delivered again after a crash or a rebalance: already done
                    handled_ids.commit()
                    done[partition] = OffsetAndMetadata(record.offset + 1, "", -1)
                    if args.max_events is not None and handled >= args.max_events:
                        break
                if args.max_events is not None and handled >= args.max_events:
                    break
            # Only now, with every event up to these offsets handled, move the group's position.
            consumer.commit(done)
            if args.max_events is not None and handled >= args.max_events:
                break
    finally:
        consumer.close(autocommit=False)
    print(f"stopped after {handled} events ({duplicates} duplicates skipped)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
