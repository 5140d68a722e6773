"""gunicorn entry point: `gunicorn services.reporting.wsgi:app`."""
from services.reporting.app import create_app
from shared.observability import configure_logging

configure_logging()

app = create_app()
