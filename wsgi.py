"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from gplan import create_app

app = create_app()
