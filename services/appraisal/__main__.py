"""`python -m services.appraisal relay`: publish stored events to the bus (run exactly one per store)."""
import logging
import sys

from services.appraisal.app import context

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if sys.argv[1:] != ["relay"]:
        sys.exit("usage: python -m services.appraisal relay")
    context().run_relay()
