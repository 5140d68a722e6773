"""`python -m services.appraisal relay`: publish stored events to the bus (run exactly one per store)."""
import sys

from services.appraisal.app import context
from shared.observability import configure_logging

if __name__ == "__main__":
    configure_logging()
    if sys.argv[1:] != ["relay"]:
        sys.exit("usage: python -m services.appraisal relay")
    context().run_relay()
