"""gunicorn entry point: `gunicorn services.visits.wsgi:app`."""
from services.visits.app import create_app
from shared.observability import configure_logging

configure_logging()
app = create_app()
