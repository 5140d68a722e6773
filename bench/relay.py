"""3 · Outbox relay to Kafka, events/s: each service's relay drains its SQLite event store (the
embedded default's outbox) onto its topic.

Baseline: a raw kafka-python producer, configured as the Kafka adapter's (idempotent, acks=all,
linger 5 ms), sending the same keys and envelope bytes, prepared beforehand, then one flush.
"""
from __future__ import annotations

import uuid

from bench import events as corpus
from bench.measure import Config, Row, alternate, log, rate, ratio_target, scratch

FAMILIES = ("visits", "appraisal")


def fill(work, raw: list[bytes], n: int) -> dict:
    """One SQLite event store per service holding its share of n replicated events."""
    from shared.eventstore.sqlite import SQLiteEventStore
    stores = {family: SQLiteEventStore(f"sqlite:///{work}/{family}-events.db") for family in FAMILIES}
    for event in corpus.recorded(raw, n):
        stores[event.family].append(event.stream, event.version - 1, [event])
    return stores


def run(cfg: Config, state: dict) -> list[Row]:
    from kafka import KafkaProducer
    from shared.bus import topic_for
    from shared.bus.kafka import KafkaBus, STRUCTURED
    from shared.envelope import to_bytes
    from shared.outbox import CHECKPOINT, OutboxRelay

    n, bootstrap = cfg.relay_events, state["servers"].kafka()
    work = scratch("relay")
    log(f"relay: filling the event stores with {n:,} events")
    stores = fill(work, corpus.corpus(cfg.corpus_scale), n)
    messages = {family: [(e.stream, to_bytes(e)) for e in store.read_after(0, n)] for family, store in stores.items()}

    def topics() -> str:
        prefix = f"b{uuid.uuid4().hex[:10]}"
        KafkaBus(f"kafka://{bootstrap}").ensure_topics([topic_for(f, prefix) for f in FAMILIES])
        return prefix

    def ours() -> float:
        prefix = topics()
        bus = KafkaBus(f"kafka://{bootstrap}")
        bus._get_producer()  # connected before the clock starts, as the baseline's producer is
        relays = []
        for store in stores.values():
            store.set_checkpoint(CHECKPOINT, 0)
            relays.append(OutboxRelay(store, bus, prefix))
        try:
            return rate(n, lambda: [relay.drain() for relay in relays])
        finally:
            bus.close()

    def raw_producer() -> float:
        prefix = topics()
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5,
                                 max_in_flight_requests_per_connection=5, retries=2**31 - 1,
                                 delivery_timeout_ms=30000, request_timeout_ms=10000, max_block_ms=10000)
        producer.bootstrap_connected()

        def send():
            futures = [producer.send(topic_for(family, prefix), key=key.encode(), value=value, headers=STRUCTURED)
                       for family, batch in messages.items() for key, value in batch]
            producer.flush()
            for future in futures:
                future.get(timeout=30)
        try:
            return rate(n, send)
        finally:
            producer.close()

    medians = alternate(cfg.runs, {"raw": raw_producer, "ours": ours})
    log(f"relay: {medians['ours']:,.0f} events/s, raw producer {medians['raw']:,.0f} events/s")
    for store in stores.values():
        store.close()
    return [ratio_target(Row("3 relay", f"SQLite outbox → Kafka, {n:,} events", medians["ours"], "events/s",
                             medians["raw"]), 0.8)]
