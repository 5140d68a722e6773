"""gunicorn entry point: `gunicorn services.visits.wsgi:app`."""
from services.visits.app import create_app

app = create_app()
