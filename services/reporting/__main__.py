"""Reporting's jobs.

    python -m services.reporting consume   # the live consumer (run alongside the web app)
    python -m services.reporting rebuild   # rebuild every projection from the topics, then switch
"""
import signal
import sys
import threading

from services.reporting.app import context
from services.reporting.runner import LiveConsumer, rebuild
from shared.observability import configure_logging, serve_metrics

USAGE = "usage: python -m services.reporting consume|rebuild"


def consume() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    serve_metrics()
    LiveConsumer(context()).run_forever(stop)


def rebuild_with_progress() -> None:
    from tqdm import tqdm

    with tqdm(unit="event", desc="rebuilding", total=0) as bar:
        def progress(handled: int, remaining: int) -> None:
            bar.total = bar.n + handled + remaining
            bar.update(handled)

        generation = rebuild(context(), progress)
    print(f"generation {generation} is now active")


if __name__ == "__main__":
    configure_logging()
    command = sys.argv[1:]
    if command == ["consume"]:
        consume()
    elif command == ["rebuild"]:
        rebuild_with_progress()
    else:
        sys.exit(USAGE)
