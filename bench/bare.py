"""The HTTP baselines, under the same gunicorn settings as the services.

`app`, the benchmark's baseline: a bare Flask endpoint that parses the same JSON and answers 201.

`stored`, a reference beside it: the bare endpoint that also does the least an event-sourced write
with a read view must do, through the service's own SQLite stores: append the body as one event
(version-checked, in one transaction) and write its view (in another). It has no authentication,
no validation, no rules and no answer schema, so the gap between it and the bare endpoint is what
storage alone costs under this load, and the gap between it and the service is everything else.
"""
import os
import threading
import uuid

from flask import Flask, request

from shared.envelope import Recorded, new_event_id, utcnow

app = Flask(__name__)


@app.post("/<path:anything>")
def ingest(anything):
    body = request.get_json()
    return {"id": "bare", "fields": len(body)}, 201


stored = Flask("stored")
_stores: list = []
_opening = threading.Lock()


def _opened():
    """The event store and view store (opened on the first request, in the worker, not the master)."""
    with _opening:
        if not _stores:
            from shared.eventstore.sqlite import SQLiteEventStore
            from shared.projections.sqlite import SQLiteProjectionStore
            _stores.extend([SQLiteEventStore(os.environ["SHUANGWAN_EVENT_STORE_URL"]),
                            SQLiteProjectionStore(os.environ["SHUANGWAN_PROJECTION_URL"])])
    return _stores


@stored.post("/<path:anything>")
def ingest_stored(anything):
    body = request.get_json()
    events, views = _opened()
    stream = f"{anything}-{uuid.uuid4().hex[:16]}"
    event = Recorded(id=new_event_id(), family="bench", type="Posted", schema_version=1, stream=stream, version=1,
                     data=body, time=utcnow(), region="360700", tier="city", source="/shuangwan/bench/360700")
    events.append(stream, 0, [event])
    views.put_newer("views", [{**body, "_id": stream, "_version": 1}])
    return {"id": stream, "fields": len(body)}, 201
