"""A load generator for the soak tests, run as a process of its own on loopback.

    python -m tests.reliability.load --visits URL --appraisal URL --cadre ID --batch ID \
        --rate 25 --duration 30 --out result.json

Open loop: request i is sent at start + i/rate whatever the answers before it (a slow service
does not slow the load down; late requests are counted). The mix: 70 % visits logged, 20 %
paper questionnaires keyed in, 10 % reads (a list of visits). The result: every request's kind
and status, the ids the services acknowledged, latencies.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.reliability.support import CLERK, rating_body, visit_body


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--visits", "--appraisal", "--cadre", "--batch", "--out"):
        parser.add_argument(name, required=True)
    parser.add_argument("--rate", type=float, default=25)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()

    local = threading.local()
    results: list[dict] = []
    lock = threading.Lock()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def one(i: int, due: float) -> None:
        kind = "visit" if i % 10 < 7 else "response" if i % 10 < 9 else "read"
        if kind == "visit":
            method, url, body = "POST", f"{args.visits}/visits", visit_body(args.cadre, i)
        elif kind == "response":
            method, url, body = "POST", f"{args.appraisal}/batches/{args.batch}/responses", rating_body(i)
        else:
            method, url, body = "GET", f"{args.visits}/visits?page_size=20", None
        started = time.monotonic()
        entry = {"i": i, "kind": kind, "late_ms": round((started - due) * 1000, 1)}
        try:
            answer = session().request(method, url, json=body, headers=CLERK, timeout=30)
            entry["status"] = answer.status_code
            if answer.status_code == 201:
                entry["id"] = answer.json().get("id")
            elif answer.status_code >= 400:
                entry["error"] = answer.text[:300]
        except requests.RequestException as exc:
            entry["status"], entry["error"] = None, repr(exc)[:300]
        entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        with lock:
            results.append(entry)

    total = int(args.rate * args.duration)
    start = time.monotonic() + 0.5
    with ThreadPoolExecutor(args.workers) as pool:
        for i in range(total):
            due = start + i / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i, due)
    elapsed = time.monotonic() - start
    with open(args.out, "w") as out:
        json.dump({"rate": args.rate, "duration": args.duration, "elapsed": round(elapsed, 2), "results": results}, out)


if __name__ == "__main__":
    main()
