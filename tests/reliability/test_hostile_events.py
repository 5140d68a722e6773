"""Hostile messages on the bus, end to end through the reporting service: each is dead-lettered with
its reason (read back through GET /reports/dead-letters), and the consumer goes on counting the
genuine events around them exactly. (tests/contract/test_pipeline.py covers the generic consumer.)
"""
from __future__ import annotations

import json

from services.reporting.runner import LiveConsumer
from shared.envelope import new_event_id, to_bytes, to_cloudevent
from tests.reliability.support import ADMIN, Stack, period
from tests.reliability.test_fault_kills import clone_visits


def hostile_messages(template) -> dict[str, tuple[bytes, str]]:
    """name → (message, the start of the reason its dead letter must give)."""
    def envelope(**changes) -> dict:
        event = template._replace(id=new_event_id(), stream="visit-" + new_event_id()[:16])
        return {**to_cloudevent(event), **changes}

    def raw(ce: dict) -> bytes:
        return json.dumps(ce, ensure_ascii=False).encode()

    good = envelope()
    prefix = good["type"].rpartition(".")[0]
    return {
        "unknown type": (raw(envelope(type=prefix + ".VisitTeleported")), "UnknownEventType"),
        "unknown version": (raw(envelope(dataversion=99)), "UnknownEventType"),
        "unknown family": (raw(envelope(type=prefix.rpartition(".")[0] + ".weather.RainFell")), "UnknownEventType"),
        "corrupted payload": (raw(envelope(data={**good["data"], "people_reached": "很多", "region": None})),
                              "InvalidPayload"),
        "payload missing": (raw({k: v for k, v in envelope().items() if k != "data"}), "MalformedEnvelope"),
        "not json": (b"\x00\xffnot an event at all", "MalformedEnvelope"),
        "truncated": (raw(envelope())[:-7], "MalformedEnvelope"),
        "json array": (b"[1, 2, 3]", "MalformedEnvelope"),
        "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "MalformedEnvelope"),
        "deeply nested payload": (raw(envelope(data={**good["data"], "notes": "NESTED"})).replace(
            b'"NESTED"', b"[" * 50_000 + b"]" * 50_000), "MalformedEnvelope"),
        # A JSON escape of half a UTF-16 pair: it parses, into a string no store can encode.
        "lone surrogate": (json.dumps(envelope(data={**good["data"], "cadre_ids": ["cadre-\ud800"]})).encode(),
                           "MalformedEnvelope"),
        # …and the same half pair written as bytes (CESU-8): not UTF-8.
        "encoded surrogate": (raw(envelope(data={**good["data"], "cadre_ids": ["cadre-X"]})).replace(
            b"cadre-X", b"cadre-\xed\xa0\x80"), "MalformedEnvelope"),
    }


def test_hostile_messages_are_dead_lettered_and_reporting_goes_on(backend, procs):
    stack = Stack(backend, procs)
    expected = clone_visits(stack, 3)  # three genuine visits first
    context = stack.reporting.application.extensions["shuangwan"]
    visits = context.topics[0]
    template = next(e for e in stack.published("visits") if e.type == "VisitLogged")
    hostile = hostile_messages(template)
    bus = context.bus
    bus.publish(visits, [(f"hostile-{i}", message) for i, (message, _) in enumerate(hostile.values())])
    # …and genuine ones after them, which must be counted.
    after = [template._replace(id=new_event_id(), stream="visit-" + new_event_id()[:16],
                     data={**template.data, "people_reached": 5}) for _ in range(2)]
    bus.publish(visits, [(e.stream, to_bytes(e)) for e in after])

    consumer = LiveConsumer(context)
    try:
        consumer.catch_up(within=120)
    finally:
        consumer.close()

    letters = stack.report("/reports/dead-letters", headers=ADMIN, page_size=100)
    assert letters["total"] == len(hostile)
    by_key = {letter["key"]: letter for letter in letters["items"]}
    for i, (name, (_, reason)) in enumerate(hostile.items()):
        letter = by_key[f"hostile-{i}"]
        assert letter["reason"].startswith(reason), (name, letter["reason"])
        assert letter["topic"] == visits and letter["id"].startswith(visits + "/")
    totals = stack.report("/reports/visits", **period())["total"]
    assert (totals["visits"], totals["people_reached"]) == (expected["visits"] + 2, expected["people_reached"] + 10)
