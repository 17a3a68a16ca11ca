"""gunicorn settings for gplan: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Web workers never run the reminder scheduler; it runs as its own process
(`flask --app wsgi scheduler`, see gplan-scheduler.service).
"""

import multiprocessing
import os
from pathlib import Path

from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_http

from gplan.access_log import redacted_path
from gplan.memory import freeze_loaded_app

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"

# gunicorn's control socket (for `gunicornc`) defaults to one path per user, which two
# installations on one host would share: keep it in this installation's instance folder
# (GUNICORN_CONTROL_SOCKET=off turns it off).
_instance = Path(os.environ.get("GPLAN_INSTANCE") or Path(__file__).resolve().parent.parent / "instance")
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", str(_instance / "gunicorn.ctl"))
control_socket_disable = _control.lower() in ("", "0", "off", "no")
control_socket = _control if not control_socket_disable else str(_instance / "gunicorn.ctl")
control_socket_mode = 0o600

# No "Server: gunicorn" header: gunicorn has no setting for it, so leave its line out.
_default_headers = gunicorn_http.Response.default_headers


def _without_server_header(response):
    return [line for line in _default_headers(response) if not line.startswith("Server:")]


gunicorn_http.Response.default_headers = _without_server_header
# The path without its query string (which may carry a token); no referrer (it may be a
# set-password address); the time taken in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger, hiding the secret in calendar-feed and set-password paths."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redacted_path(atoms["U"])
        return atoms


logger_class = RedactingLogger


def post_worker_init(worker):
    """The worker has loaded the app: keep what lives as long as it out of garbage collection."""
    freeze_loaded_app()
