"""Reporting's jobs.

    python -m services.reporting consume   # the live consumer (run alongside the web app)
    python -m services.reporting consume --rebuild-if-stale   # rebuild first if the projections
                                           # were built by an earlier version (a lone consumer)
    python -m services.reporting rebuild   # rebuild every projection from the topics, then switch
"""
import logging
import signal
import sys
import threading

from services.reporting.app import context
from services.reporting.runner import LiveConsumer, rebuild
from shared.bus import BusUnavailable
from shared.eventstore import StoreUnavailable
from shared.observability import configure_logging, serve_metrics

USAGE = "usage: python -m services.reporting consume [--rebuild-if-stale] | rebuild"
log = logging.getLogger("services.reporting")


def consume(rebuild_if_stale: bool = False) -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    serve_metrics()
    ctx = context()
    built_by, current = ctx.generations.built_by(), ctx.generations.version
    if built_by < current:  # (stale: see generations)
        if rebuild_if_stale:
            # (Only a lone consumer may: two rebuilding at once would fill one generation twice.)
            log.info("the projections were built by version %s; rebuilding them with version %s", built_by, current)
            try:
                rebuild(ctx)
            except (BusUnavailable, StoreUnavailable) as exc:  # (consuming goes on; the next start rebuilds)
                log.warning("rebuild not done, the projections stay at version %s: %s", built_by, exc)
        else:
            log.warning("the projections were built by version %s, and this code writes version %s: what the "
                        "newer version adds is missing until `python -m services.reporting rebuild`", built_by, current)
    LiveConsumer(ctx).run_forever(stop)


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
    if command in (["consume"], ["consume", "--rebuild-if-stale"]):
        consume(rebuild_if_stale=len(command) == 2)
    elif command == ["rebuild"]:
        rebuild_with_progress()
    else:
        sys.exit(USAGE)
