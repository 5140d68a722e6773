"""`python -m services.visits relay|reindex` (see shared.service.COMMANDS)."""
from services.visits.app import context
from shared.service import main

if __name__ == "__main__":
    main("visits", context)
