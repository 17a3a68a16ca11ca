"""Benchmark the coordinator's progress pages at national scale, on SQLite and PostgreSQL.

For each size (default 1k, 100k and 1M tasks) a fresh database gets national-shaped data —
up to 63 provinces' plans, 50 bodies each, 5 years (2016–2020), tasks in every state — loaded
with bulk inserts (SQLite) or COPY (PostgreSQL). Then one province's overview (whole period
and one year), its bodies × years heatmap and its bodies × objectives view are fetched through
the Flask test client as the coordinator, and the same aggregations are run as one
hand-written SQL GROUP BY on the same database. Printed per page: the median time, its ratio
to the raw query, and the number of SQL queries the page issued; then how each grows from
100k to 1M tasks.

    .venv/bin/python bench/progress.py                                  # both databases, all sizes
    .venv/bin/python bench/progress.py --backends sqlite --levels 1000,100000
    .venv/bin/python bench/progress.py --pg-url postgresql://postgres@127.0.0.1:5432/postgres

Sizes: 1k tasks is one province (50 bodies × 5 years × 4 tasks); from 15,750 tasks on, all 63
provinces with ceil(size / 15,750) tasks per body and year (100k → 110,250; 1M → 1,008,000),
so one province's pages grow with the total.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

TODAY = date(2018, 7, 1)
PROVINCES, BODIES, YEARS = 63, 50, list(range(2016, 2021))
DUTIES, OBJECTIVES, ACTIVITIES = 20, 7, 5
DUE_DAYS = ["01-31", "06-15", "09-30", "12-10", "12-31"]
PASSWORD = "bench-password-1"
TASK_COLUMNS = (
    "plan_id, responsibility_id, body_id, occurrence, year, due_on, extended_due_on, "
    "progress, completed_on, version"
)
STATUS_SQL = """CASE
  WHEN progress = 'done' AND completed_on <= due_on THEN 'done_on_time'
  WHEN progress = 'done' THEN 'done_late'
  WHEN COALESCE(extended_due_on, due_on) < :today THEN 'overdue'
  WHEN progress = 'in_progress' THEN 'in_progress'
  ELSE 'not_started' END"""
RAW = {
    "overview": f"SELECT body_id, {STATUS_SQL} AS status, COUNT(*) FROM task WHERE plan_id = :plan "
    "GROUP BY body_id, status",
    "overview 2018": f"SELECT body_id, {STATUS_SQL} AS status, COUNT(*) FROM task "
    "WHERE plan_id = :plan AND year = 2018 GROUP BY body_id, status",
    "years heatmap": f"SELECT body_id, year, {STATUS_SQL} AS status, COUNT(*) FROM task "
    "WHERE plan_id = :plan GROUP BY body_id, year, status",
    "objectives": f"SELECT body_id, COALESCE(ro.objective_id, 0) AS objective, {STATUS_SQL} AS status, "
    "COUNT(*) "
    "FROM task LEFT JOIN responsibility_objective ro ON ro.responsibility_id = task.responsibility_id "
    "WHERE plan_id = :plan GROUP BY body_id, objective, status",
}
PAGES = {
    "overview": "/p/{plan}/progress",
    "overview 2018": "/p/{plan}/progress?year=2018",
    "years heatmap": "/p/{plan}/progress/years",
    "objectives": "/p/{plan}/progress/objective",
}


def shape(level: int) -> tuple[int, int]:
    """(provinces, tasks per body and year) for about ``level`` tasks."""
    per_province_year = BODIES * len(YEARS)
    if level < PROVINCES * per_province_year:
        return max(1, math.ceil(level / (per_province_year * 4))), 4
    return PROVINCES, math.ceil(level / (PROVINCES * per_province_year))


def task_rows(plan_id: int, first_body: int, first_duty: int, per_body_year: int, rng: random.Random):
    """Tasks in every state as of TODAY: most past ones done (some late), some forgotten."""
    for body in range(first_body, first_body + BODIES):
        for year in YEARS:
            for k in range(per_body_year):
                due = date.fromisoformat(f"{year}-{DUE_DAYS[k % len(DUE_DAYS)]}")
                extended = due + timedelta(days=30) if rng.random() < 0.03 else None
                deadline = extended or due
                roll, progress, completed = rng.random(), "not_started", None
                if deadline < TODAY and roll < 0.8:
                    progress, completed = (
                        "done",
                        min(TODAY, due + timedelta(days=rng.choice([-20, -5, 0, 3, 15]))),
                    )
                elif (deadline < TODAY and roll < 0.85) or (deadline >= TODAY and roll < 0.2):
                    progress = "in_progress"
                elif deadline >= TODAY and roll < 0.3:
                    progress, completed = "done", TODAY - timedelta(days=rng.randint(0, 90))
                duty = first_duty + k % DUTIES
                yield (plan_id, duty, body, f"{year}:{k}", year, due, extended, progress, completed, 1)


def _province(plan_id: int, first: dict[str, int]) -> dict[str, list[dict]]:
    """One province's plan, bodies, objectives, activities and duties, as rows per table."""
    jurisdiction, body, duty = f"province-{plan_id:02d}", first["body"], first["duty"]
    objective, activity = first["objective"], first["activity"]
    return {
        "body": [
            {"id": body + b, "jurisdiction": jurisdiction, "key": f"body-{b:02d}", "name": f"Cơ quan {b + 1}"}
            for b in range(BODIES)
        ],
        "plan": [
            {
                "id": plan_id,
                "code": "BENCH",
                "jurisdiction": jurisdiction,
                "title": f"Kế hoạch tỉnh {plan_id}",
                "issuer": f"UBND tỉnh {plan_id}",
                "period_start": YEARS[0],
                "period_end": YEARS[-1],
                "general_objective": "",
                "due_days": {},
                "coordinator_body_id": body,
            }
        ],
        "plan_body": [
            {"plan_id": plan_id, "body_id": body + b, "ref": f"IV.{b + 1}", "position": b}
            for b in range(BODIES)
        ],
        "objective": [
            {
                "id": objective + o,
                "plan_id": plan_id,
                "number": o + 1,
                "ref": f"I.2.{o + 1}",
                "title": f"Mục tiêu {o}",
            }
            for o in range(OBJECTIVES)
        ],
        "activity": [
            {
                "id": activity + a,
                "plan_id": plan_id,
                "number": a + 1,
                "ref": f"II.{a + 1}",
                "title": f"Hoạt động {a}",
            }
            for a in range(ACTIVITIES)
        ],
        "responsibility": [
            {
                "id": duty + d,
                "plan_id": plan_id,
                "ref": f"IV.{d + 1}.a",
                "paragraph": f"IV.{d + 1}",
                "position": d,
                "text": f"Nhiệm vụ {d + 1}",
                "schedule": {"kind": "yearly", "due": "annual_report"},
            }
            for d in range(DUTIES)
        ],
        "responsibility_objective": [
            {"responsibility_id": duty + d, "objective_id": objective + d % OBJECTIVES}
            for d in range(DUTIES)
            if d % 4 != 3  # a quarter of the duties serve no objective, as in the real plan
        ],
        "responsibility_activity": [
            {"responsibility_id": duty + d, "activity_id": activity + d % ACTIVITIES}
            for d in range(0, DUTIES, 2)
        ],
    }


def load(engine, metadata, level: int) -> int:
    """Fill an empty schema in one transaction; returns the id of the plan whose pages are timed.

    The small tables go through SQLAlchemy Core (so the models' column defaults apply); the
    tasks go through executemany on SQLite and COPY on PostgreSQL.
    """
    provinces, per_body_year = shape(level)
    rng = random.Random(level)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        for p in range(1, provinces + 1):
            first = {"body": (p - 1) * BODIES + 1, "duty": (p - 1) * DUTIES + 1}
            first |= {"objective": (p - 1) * OBJECTIVES + 1, "activity": (p - 1) * ACTIVITIES + 1}
            for table, rows in _province(p, first).items():
                connection.execute(metadata.tables[table].insert(), rows)
            rows = task_rows(p, first["body"], first["duty"], per_body_year, rng)
            if sqlite:
                marks = ", ".join("?" * len(TASK_COLUMNS.split(",")))
                connection.exec_driver_sql(f"INSERT INTO task ({TASK_COLUMNS}) VALUES ({marks})", list(rows))
            else:
                with (
                    connection.connection.cursor() as cursor,
                    cursor.copy(f"COPY task ({TASK_COLUMNS}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
        account = {"email": "coordinator@bench.test", "name": "Bench", "role": "coordinator"}
        connection.execute(
            metadata.tables["user_account"].insert(),
            [account | {"password_hash": generate_password_hash(PASSWORD)}],
        )
        if not sqlite:
            for table in ("body", "plan", "objective", "activity", "responsibility"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE" if sqlite else "VACUUM ANALYZE"))
    return 1


@contextmanager
def database(backend: str, pg_url: str, workdir: Path):
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


def median_ms(action, repeat: int) -> float:
    action()  # warm caches: the first request compiles templates and queries
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(url: str, level: int, repeat: int, workdir: Path) -> list[dict]:
    import time_machine

    from gplan import create_app
    from gplan.extensions import db
    from gplan.timeutil import LOCAL_TZ

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        plan_id = load(db.engine, db.metadata, level)
        tasks = db.session.execute(text("SELECT COUNT(*) FROM task")).scalar_one()
        print(f"  loaded {tasks:,} tasks in {time.perf_counter() - started:.1f} s", flush=True)
        engine = db.engine
        db.session.remove()
    statements = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda conn, cursor, sql, *args: (
            statements.append(1) if sql.lstrip()[:5].upper() != "BEGIN" else None
        ),
    )
    results = []
    # Requests run outside any app context, as in production: each gets its own session.
    with time_machine.travel(datetime(2018, 7, 1, 9, tzinfo=LOCAL_TZ), tick=True):
        client = app.test_client()
        response = client.post("/login", data={"email": "coordinator@bench.test", "password": PASSWORD})
        assert response.status_code == 302, "the bench coordinator could not sign in"
        for name, path in PAGES.items():
            page = path.format(plan=plan_id)

            def fetch(page=page):
                response = client.get(page)
                assert response.status_code == 200, f"{page} gave {response.status_code}"

            fetch()
            statements.clear()
            fetch()
            queries = len(statements)
            page_ms = median_ms(fetch, repeat)
            sql = text(RAW[name])
            params = {"plan": plan_id, "today": TODAY}
            with engine.connect() as connection:
                raw_ms = median_ms(
                    lambda sql=sql, c=connection, params=params: c.execute(sql, params).fetchall(), repeat
                )
            results.append(
                {"page": name, "tasks": tasks, "page_ms": page_ms, "raw_ms": raw_ms, "queries": queries}
            )
    engine.dispose()
    return results


def report(all_results: dict[tuple[str, int], list[dict]]) -> None:
    print()
    print(f"{'database':<11}{'tasks':>11}  {'page':<15}{'page ms':>9}{'raw ms':>9}{'ratio':>7}{'queries':>9}")
    for (backend, _), results in all_results.items():
        for r in results:
            ratio = r["page_ms"] / r["raw_ms"] if r["raw_ms"] else float("inf")
            print(
                f"{backend:<11}{r['tasks']:>11,}  {r['page']:<15}{r['page_ms']:>9.1f}{r['raw_ms']:>9.2f}"
                f"{ratio:>7.2f}{r['queries']:>9}"
            )
    levels = sorted({level for _, level in all_results})
    if len(levels) < 2:
        return
    low, high = levels[-2], levels[-1]
    print(f"\nGrowth from {low:,} to {high:,} tasks (median time at the larger size ÷ at the smaller):")
    for backend in dict.fromkeys(b for b, _ in all_results):
        small, large = all_results.get((backend, low)), all_results.get((backend, high))
        if not small or not large:
            continue
        for a, b in zip(small, large, strict=True):
            print(
                f"  {backend:<11}{a['page']:<15} page ×{b['page_ms'] / a['page_ms']:.2f}   "
                f"raw query ×{b['raw_ms'] / a['raw_ms']:.2f}   queries {a['queries']} → {b['queries']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--levels", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per page (the median is shown)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server where a throw-away database may be created",
    )
    args = parser.parse_args()
    levels = [int(re.sub(r"[_,]", "", level)) for level in args.levels.split(",")]
    results: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="gplan-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GPLAN_INSTANCE"] = str(workdir / "instance")
        for backend in args.backends.split(","):
            for level in levels:
                print(
                    f"{backend}: {level:,} tasks (shape: {shape(level)[0]} provinces × {BODIES} bodies × "
                    f"{len(YEARS)} years × {shape(level)[1]} tasks)",
                    flush=True,
                )
                with database(backend, args.pg_url, workdir) as url:
                    results[(backend, level)] = measure(url, level, args.repeat, workdir)
    report(results)


if __name__ == "__main__":
    main()
