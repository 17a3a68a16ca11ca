"""What the benchmarks share: a throw-away database, bulk loading, the app and its signed-in
clients, timing, and the command line (backends, levels, repeats, the PostgreSQL server).

Used by progress.py, task_lists.py and search.py; timings only, nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "bench-password-1"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# ---- the command line -------------------------------------------------------------------------


def arguments(description: str, *, backends: str, levels: str, repeat: int) -> argparse.Namespace:
    """``--backends`` and ``--levels`` (comma-separated; "100_000" is a level), ``--repeat``
    and ``--pg-url``."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--backends", default=backends)
    parser.add_argument("--levels", default=levels)
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs per page (after a warm-up)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="a PostgreSQL server where a throw-away database may be created",
    )
    args = parser.parse_args()
    args.levels = [int(re.sub(r"_", "", level)) for level in args.levels.split(",")]
    args.backends = args.backends.split(",")
    return args


def each_database(
    args: argparse.Namespace, describe: Callable[[str, int], str]
) -> Iterator[tuple[str, int, str, Path]]:
    """(backend, level, database URL, work folder) for every backend and level asked for, each
    database fresh and dropped afterwards; the app's instance folder is a temporary one."""
    with tempfile.TemporaryDirectory(prefix="gplan-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GPLAN_INSTANCE"] = str(workdir / "instance")
        for backend in args.backends:
            for level in args.levels:
                print(describe(backend, level), flush=True)
                with database(backend, args.pg_url, workdir) as url:
                    yield backend, level, url, workdir


# ---- the database -----------------------------------------------------------------------------


@contextmanager
def database(backend: str, pg_url: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL; dropped (or deleted) afterwards."""
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    url = make_url(pg_url).set(drivername="postgresql+psycopg")
    name = f"gplan_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bulk_insert(connection: Any, table: str, columns: str, rows: Iterable[tuple]) -> None:
    """Rows into ``table`` through its triggers: executemany on SQLite, COPY on PostgreSQL."""
    if connection.engine.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns.split(",")))
        connection.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))
        return
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def analyze(engine: Any) -> None:
    """Fresh statistics for the planner, as after a real load."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))


# ---- the app ----------------------------------------------------------------------------------


def bench_app(url: str, workdir: Path) -> Any:
    from gplan import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )


@contextmanager
def on_bench_day(day: datetime) -> Iterator[None]:
    """Requests as on ``day`` (local time), the clock ticking."""
    import time_machine

    from gplan.timeutil import LOCAL_TZ

    with time_machine.travel(day.replace(tzinfo=LOCAL_TZ), tick=True):
        yield


def signed_in(app: Any, emails: dict[str, str]) -> dict[str, Any]:
    """A test client per name, signed in with the bench password as that email."""
    clients = {}
    for name, email in emails.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
        clients[name] = client
    return clients


class Statements:
    """The SQL statements an engine runs, to count those of one request."""

    def __init__(self, engine: Any) -> None:
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda c, cur, sql, *a: self.seen.append(sql))

    def during(self, action: Callable[[], Any]) -> int:
        """The statements ``action`` ran (transaction and savepoint statements left out)."""
        self.seen.clear()
        action()
        return len([s for s in self.seen if s.lstrip()[:5].upper() not in ("BEGIN", "SAVEP")])


def time_page(client: Any, url: str, statements: Statements, repeat: int) -> tuple[float, int, Any]:
    """The median milliseconds of ``url`` (after a warm-up), its SQL statements and its
    answer."""

    def fetch() -> Any:
        response = client.get(url)
        assert response.status_code == 200, f"{url} gave {response.status_code}"
        return response

    response = fetch()
    queries = statements.during(fetch)
    return median_ms(fetch, repeat), queries, response


# ---- timing -----------------------------------------------------------------------------------


def timings(action: Callable[[], Any], repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` runs after a warm-up; with ``cpu``, this process's
    CPU milliseconds too (less sensitive to other users of a shared machine)."""
    action()  # warm caches: the first run compiles templates and queries
    times = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    """The median of ``repeat`` timed runs after a warm-up."""
    return statistics.median(timings(action, repeat))


def p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
