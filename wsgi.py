"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from commissioning.app import create_app

app = create_app()
