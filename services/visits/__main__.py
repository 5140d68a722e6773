"""`python -m services.visits relay`: publish stored events to the bus (run exactly one per store)."""
import sys

from services.visits.app import context
from shared.observability import configure_logging

if __name__ == "__main__":
    configure_logging()
    if sys.argv[1:] != ["relay"]:
        sys.exit("usage: python -m services.visits relay")
    context().run_relay()
