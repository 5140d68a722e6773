"""POST requests a client can safely send again: the `Idempotency-Key` request header.

A cadre logging a visit from a village, or a citizen sending an opinion, on a weak mobile
connection, often cannot tell whether a POST arrived: the answer was lost, or never came. Sent
again with the same `Idempotency-Key` (any token the client makes up for that one submission, e.g.
a UUID, up to 255 visible ASCII characters; quoted or bare), the request is answered as the first
time, and nothing is recorded twice:

- A request answered with success is kept (status, body): the same request again gets that
  answer, with `Idempotent-Replayed: true`, and the command does not run again.
- A request whose first try failed part-way (a problem registered, the visit not: the store went
  away in between) runs again as a `RepeatableCommand` (shared/application.py): it makes the same
  ids, so what the first try stored is found and taken as done, and the rest is stored.
- Two tries at once: one stores its events, the other finds them. If its events came out
  different (an opinion's time of sending), it is refused as a conflict (409); sent again, it gets
  the answer kept for the first.

"The same request" is the same caller, method, path, key and body. A key whose answer is kept,
sent again by the same caller to the same path with another body, is refused with 422 (as the
IETF draft has it): the client is reusing a key, a bug on its side, and would otherwise not learn
that its first request was taken. (A first try whose answer could not be kept leaves nothing to
tell the two apart by: another body is then another request.) The answers are kept in the
service's views store for `KEEP_FOR` (a day: a client retries within minutes, or when its
connection comes back), and forgotten after; each process removes those past it at most every
`PRUNE_EVERY`. A request sent again after that runs again as a repeatable command, which still
finds its events by their ids: it is answered afresh and, but for those whose events hold the
moment they were sent (an opinion, refused with 409 as a conflict), still records nothing twice.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from datetime import datetime, timedelta

from apispec import APISpec, BasePlugin
from flask import Flask, Response, g, request

from shared import clock
from shared.application import begin_repeatable, end_repeatable, repeatable
from shared.eventstore import StoreUnavailable
from shared.projections import Between, ProjectionStore
from shared.web.errors import error_response

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
ANSWERS = "repeatable_answers"  # the answers kept, by caller, method, path and key (`_answer_id`)
MAX_KEY = 255
KEEP_FOR = timedelta(hours=24)  # how long an answer is kept to be given again
PRUNE_EVERY = timedelta(hours=1)  # how often a process removes the answers kept longer
PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY, "pattern": "^[!-~]([ -~]*[!-~])?$"},
    "description": "A token the client makes up for this one submission (e.g. a UUID). Sent again with the "
                   "same key, caller, path and body within 24 hours, the request is answered as the first "
                   f"time (with `{REPLAYED}: true`) and records nothing twice; sent with another body, it is "
                   "refused with 422.",
}


def install(app: Flask, answers: ProjectionStore) -> None:
    """Make every POST of `app` repeatable under an `Idempotency-Key` (registered after the app's
    own request hooks, so the caller is known by then)."""
    pruning = Pruning(answers)

    @app.before_request
    def repeated_or_begun():
        if request.method != "POST" or HEADER not in request.headers:
            return None
        key = request.headers[HEADER].strip()
        if len(key) > 2 and key[0] == key[-1] == '"':
            key = key[1:-1]  # the draft's form: a structured-field string
        if not 0 < len(key) <= MAX_KEY or not all(" " <= c <= "~" for c in key):
            return error_response(400, f"The {HEADER} header must be 1 to {MAX_KEY} visible ASCII characters.",
                                  {HEADER: [f"not 1 to {MAX_KEY} visible ASCII characters"]})
        g.answer_id = _answer_id(key)
        kept = answers.get(ANSWERS, g.answer_id)
        if kept is not None and kept["kept_at"] > _oldest_kept():
            if kept["body_digest"] != _body_digest():
                return error_response(422, f"This {HEADER} was sent before with another body; make a new key "
                                           "for each submission.", {HEADER: ["used before with another body"]})
            response = Response(kept["body"], status=kept["status"], mimetype=kept["mimetype"])
            response.headers[REPLAYED] = "true"
            return response
        g.repeatable = begin_repeatable(_seed(key))
        return None

    @app.after_request
    def kept_answer(response: Response) -> Response:
        command = repeatable()  # (begun by `repeated_or_begun` for this request, if it had a key)
        if command is None:
            return response
        if command.replayed:
            response.headers[REPLAYED] = "true"
        if 200 <= response.status_code < 300 and not response.direct_passthrough:
            kept = {"_id": g.answer_id, "body_digest": _body_digest(), "status": response.status_code,
                    "body": response.get_data(as_text=True),
                    "mimetype": response.mimetype, "kept_at": stamp(clock.now())}
            try:
                answers.put_many(ANSWERS, [kept])
            except StoreUnavailable as exc:
                # The command is done; sent again, it runs as a repeatable command and finds its events.
                log.warning("answer to a request with an %s not kept: %s", HEADER, exc)
            else:
                pruning.when_due()
        return response

    @app.teardown_request
    def ended(_exc):
        token = g.pop("repeatable", None)
        if token is not None:
            end_repeatable(token)


class Pruning:
    """Removes the answers kept longer than `KEEP_FOR`, when `PRUNE_EVERY` has passed since this
    process last did. It is run by a request that has just kept an answer, so it needs no thread of
    its own, and a service that keeps no answers never prunes. Workers sharing one store and
    pruning at once remove the same rows, which is harmless."""

    def __init__(self, answers: ProjectionStore):
        self.answers = answers
        self.lock = threading.Lock()
        self.last = -math.inf  # time.monotonic() of the last pruning

    def when_due(self) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < PRUNE_EVERY.total_seconds():
                return
            self.last = now
        try:
            removed = self.answers.delete(ANSWERS, {"kept_at": Between(high=_oldest_kept())})
        except StoreUnavailable as exc:
            log.warning("answers kept past %s not removed: %s", KEEP_FOR, exc)
            return
        if removed:
            log.info("removed %d answers kept past %s", removed, KEEP_FOR)


def stamp(moment: datetime) -> str:
    """`kept_at` as it is written, for a `moment` in UTC (as `clock.now` gives): ISO 8601 always to
    the microsecond, so that stamps order as text (the stores compare them as strings)."""
    return moment.isoformat(timespec="microseconds")


def _oldest_kept() -> str:
    """`kept_at` of an answer kept exactly `KEEP_FOR` ago."""
    return stamp(clock.now() - KEEP_FOR)


class RepeatablePosts(BasePlugin):
    """apispec plugin: every POST of the document takes the optional `Idempotency-Key` header."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        post = (operations or {}).get("post")
        if post is not None:
            post.setdefault("parameters", []).append(dict(PARAMETER))


def document(spec: APISpec) -> None:
    """Have `spec` declare the header on the POSTs registered from now on."""
    plugin = RepeatablePosts()
    plugin.init_spec(spec)
    spec.plugins.append(plugin)


def _seed(key: str) -> str:
    """The command's seed, which its ids come from: who sends what where, under which key (the
    caller, none for public endpoints; method, path with query, key and body)."""
    return _digest(_sender(key), request.get_data(cache=True))


def _answer_id(key: str) -> str:
    """Where the answer to `key` is kept: who sends where under it, whatever the body (so that
    another body under the same key is told apart from a new key)."""
    return _digest(("answer", *_sender(key)), b"")


def _sender(key: str) -> tuple[str, ...]:
    who = g.get("caller")
    return who.subject if who else "", who.region if who else "", request.method, request.full_path, key


def _digest(parts: tuple[str, ...], body: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def _body_digest() -> str:
    return hashlib.sha256(request.get_data(cache=True)).hexdigest()
