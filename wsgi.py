"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from commissioning.app import create_app
from commissioning.matching_data import warm_up

app = create_app()
# Read the register into the matching cache before the first search asks for it.
warm_up(app)
