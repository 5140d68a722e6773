"""gunicorn entry point: `gunicorn services.appraisal.wsgi:app`."""
from services.appraisal.app import create_app
from shared.observability import configure_logging

configure_logging()
app = create_app()
