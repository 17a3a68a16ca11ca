"""Benchmark: do sign-in and "forgot password" take the same time for real and unknown accounts?

    .venv/bin/python bench/accounts.py [--repeat 30]

Builds a throw-away SQLite database with a few accounts, points the app at a mail server that
hangs (accepts the connection, never answers), and times through the test client, as medians
and ranges in milliseconds: a wrong password for a real account, for an unknown address, for a
disabled account; a reset request for a real account and for an unknown address. Since mail
is sent by the outbox and not by the request, the hanging server must not show in the times.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gplan import create_app  # noqa: E402
from gplan.accounts.users import create_user  # noqa: E402
from gplan.extensions import db, limiter  # noqa: E402

PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def hanging_server() -> int:
    """A mail server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    held = []
    threading.Thread(
        target=lambda: [held.append(listener.accept()) for _ in iter(int, 1)], daemon=True
    ).start()
    return listener.getsockname()[1]


def timed(client, path: str, data: dict, repeat: int, address_base: int) -> list[float]:
    times = []
    for n in range(repeat):
        limiter.reset()  # measure the work, not the limits
        environ = {"REMOTE_ADDR": f"10.9.{address_base}.{n % 250}"}
        token = CSRF.search(client.get(path, environ_base=environ).get_data(as_text=True)).group(1)
        began = time.perf_counter()
        client.post(path, data=data | {"csrf_token": token}, environ_base=environ)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gplan-bench-accounts-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": hanging_server(),
            "MAIL_TIMEOUT": 10,
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "RESET_MAIL_MINUTES": 0,
        }
    )
    with app.app_context():
        db.create_all()
        create_user(email="real@example.org", name="Real", role="observer", password=PASSWORD)
        create_user(
            email="off@example.org", name="Off", role="observer", password=PASSWORD
        ).is_enabled = False
        db.session.commit()
    client = app.test_client()
    cases = [
        ("sign-in, real account, wrong password", "/login", {"email": "real@example.org", "password": "x"}),
        ("sign-in, unknown address", "/login", {"email": "nobody@example.org", "password": "x"}),
        ("sign-in, disabled account", "/login", {"email": "off@example.org", "password": "x"}),
        ("reset request, real account", "/forgot-password", {"email": "real@example.org"}),
        ("reset request, unknown address", "/forgot-password", {"email": "nobody@example.org"}),
    ]
    timed(client, "/login", cases[1][2], 2, 250)  # warm up: templates, the stand-in hash
    print(f"{'case':42} {'median ms':>10} {'min':>8} {'max':>8}")
    for number, (name, path, data) in enumerate(cases):
        times = timed(client, path, data, args.repeat, number)
        print(f"{name:42} {statistics.median(times):10.1f} {min(times):8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
