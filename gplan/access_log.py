"""One log line per request for the single-process server (waitress logs none), and the same
redaction for gunicorn's access log: method, path, status, duration; never a query string,
a body, or the secret in a calendar-feed or set-password address."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

logger = logging.getLogger("gplan.access")

# Paths whose last part is a secret (a calendar feed, an invitation or reset link).
SECRET_PATHS = re.compile(r"^(/calendar/|/set-password/)[^/]+")


def redacted_path(path: str) -> str:
    return SECRET_PATHS.sub(r"\1[token]", path)


class AccessLog:
    """WSGI middleware: logs each request once its response has been sent (or has failed)."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start_response(status_line: str, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        def log() -> None:
            # PATH_INFO is the raw bytes as latin-1 (PEP 3333): show Vietnamese paths as typed.
            raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            path = raw.encode("latin-1", "replace").decode("utf-8", "replace")
            elapsed = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s %s %.0fms", environ.get("REQUEST_METHOD"), redacted_path(path), status[0], elapsed
            )

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            status[0] = "500"
            log()
            raise
        return ClosingIterator(body, [log])


def log_requests(app) -> AccessLog:
    """Wrap ``app`` so that each request is logged to standard error."""
    logger.disabled = False  # Alembic's logging set-up (run by `serve` first) disables others
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return AccessLog(app)
