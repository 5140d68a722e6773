"""Command line of the test harness.

    python -m tests.harness install   # build/resolve Kafka, FerretDB and Docker Compose into the cache
    python -m tests.harness serve     # run both until Ctrl-C, printing their addresses

``serve`` prints lines a shell can use, e.g.::

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:40123
    MONGODB_URL=mongodb://127.0.0.1:40457/?directConnection=true

and with those two variables exported, pytest uses these servers instead of
starting its own (see tests/conftest.py).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from .compose import compose_version, install_compose
from .servers import (
    FerretDBServer,
    KafkaServer,
    cache_root,
    ferretdb_version,
    install_ferretdb,
    install_kafka,
    kafka_version,
)


def _install(args) -> int:
    started = time.monotonic()
    # Maven mostly waits on downloads while Go compiles: do both at once.
    kafka_result: dict = {}

    def kafka_job():
        try:
            kafka_result["jars"] = install_kafka()
        except BaseException as exc:  # re-raised in the main thread
            kafka_result["error"] = exc

    kafka_thread = threading.Thread(target=kafka_job, name="install-kafka")
    kafka_thread.start()
    errors = []
    try:
        binary = install_ferretdb()
        # Compose only validates docker-compose.yml (tests/integration/test_compose.py).
        compose = install_compose()
    except RuntimeError as exc:
        errors.append(exc)
    finally:
        kafka_thread.join()
    if "error" in kafka_result:
        if not isinstance(kafka_result["error"], RuntimeError):
            raise kafka_result["error"]
        errors.insert(0, kafka_result["error"])
    if errors:
        raise RuntimeError("\n".join(map(str, errors)))
    print(f"kafka {kafka_version()}: {kafka_result['jars']}", file=sys.stderr)
    print(f"ferretdb {ferretdb_version()}: {binary}", file=sys.stderr)
    print(f"docker compose {compose_version()}: {compose}", file=sys.stderr)
    print(f"harness install done in {time.monotonic() - started:.1f} s (cache {cache_root()})",
          file=sys.stderr)
    return 0


def _serve(args) -> int:
    # Builds first, so that the two starts below are not slowed by them.
    install_kafka()
    install_ferretdb()
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    kafka, mongo = KafkaServer(), FerretDBServer()
    try:
        t0 = time.monotonic()
        mongo.start()
        print(f"ferretdb ready in {time.monotonic() - t0:.1f} s, log {mongo.log_path}",
              file=sys.stderr)
        t0 = time.monotonic()
        kafka.start()
        print(f"kafka ready in {time.monotonic() - t0:.1f} s, log {kafka.log_path}",
              file=sys.stderr)
        print(f"KAFKA_BOOTSTRAP_SERVERS={kafka.bootstrap_servers}")
        print(f"MONGODB_URL={mongo.url}", flush=True)
        print("serving; Ctrl-C stops both servers", file=sys.stderr, flush=True)
        while not stop.wait(1.0):
            for server in (kafka, mongo):
                if not server.running:
                    print(f"{server.name} exited; last log lines:\n{server.log_tail()}",
                          file=sys.stderr)
                    return 1
        return 0
    finally:
        print("stopping servers", file=sys.stderr, flush=True)
        kafka.stop()
        mongo.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.harness",
                                     description="Real Kafka and FerretDB servers for tests.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="resolve Kafka's jars, build FerretDB and Docker Compose into the cache")
    sub.add_parser("serve", help="start both servers and wait for Ctrl-C")
    args = parser.parse_args(argv)
    try:
        return {"install": _install, "serve": _serve}[args.command](args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
