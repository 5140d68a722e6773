"""`python -m services.appraisal relay|reindex` (see shared.service.COMMANDS)."""
from services.appraisal.app import context
from shared.service import main

if __name__ == "__main__":
    main("appraisal", context)
