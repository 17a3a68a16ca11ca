"""Benchmark the task lists when one plan holds very many tasks, on SQLite and PostgreSQL.

A fresh database gets the Hải Dương plan and its accounts, then N more tasks in that one plan
spread over its bodies and duties, in every state (bulk inserts on SQLite, COPY on
PostgreSQL). Then, through the Flask test client, the focal point of the health department
opens its list (first page and a middle one) and the coordinator opens a body's list, all
tasks (first and last page), the overdue list, a body's drill-down and the API's task list.
Printed per page: the median time and the number of SQL queries it issued.

    .venv/bin/python bench/task_lists.py                                # SQLite, 10k / 100k / 1M tasks
    .venv/bin/python bench/task_lists.py --backends sqlite,postgresql --levels 100000
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import progress as national  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

PLAN_FILE = ROOT / "plans" / "hai-duong-3002-2016-2020.yaml"
PASSWORD = "bench-password-1"
TODAY = date(2018, 7, 1)


def task_rows(plan_id: int, bodies: list[int], duties: list[int], count: int):
    rng = random.Random(count)
    for n in range(count):
        due = date(2016, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        roll = rng.random()
        progress = "done" if roll < 0.4 and due < TODAY + timedelta(days=60) else "not_started"
        if 0.4 <= roll < 0.6:
            progress = "in_progress"
        completed = min(due + timedelta(days=rng.randrange(-40, 40)), TODAY) if progress == "done" else None
        extended = due + timedelta(days=30) if rng.random() < 0.05 else None
        body, duty = bodies[n % len(bodies)], duties[(n // len(bodies)) % len(duties)]
        yield (plan_id, duty, body, f"bench:{n}", due.year, due, extended, progress, completed, 1)


def load(app, count: int) -> dict:
    from gplan.accounts.users import create_user
    from gplan.accounts.vocabulary import Role
    from gplan.extensions import db
    from gplan.models import Body, Responsibility
    from gplan.plans.file import read_plan_file
    from gplan.plans.importing import import_plan
    from gplan.plans.queries import task_holding_bodies

    with app.app_context():
        db.create_all()
        plan = import_plan(read_plan_file(PLAN_FILE), PLAN_FILE.name).plan
        health = db.session.scalar(select(Body).filter_by(key="health"))
        create_user(email="coordinator@bench.test", name="Bench", role=Role.COORDINATOR, password=PASSWORD)
        create_user(
            email="health@bench.test", name="Y tế", role=Role.FOCAL_POINT, body=health, password=PASSWORD
        )
        bodies = [b.id for b in task_holding_bodies(plan)]
        duties = list(db.session.scalars(select(Responsibility.id).where(Responsibility.plan_id == plan.id)))
        ids = {"plan": plan.id, "health": health.id}
        db.session.commit()
        rows = task_rows(plan.id, bodies, duties, count)
        connection = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(national.TASK_COLUMNS.split(",")))
            connection.exec_driver_sql(
                f"INSERT INTO task ({national.TASK_COLUMNS}) VALUES ({marks})", list(rows)
            )
        else:
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY task ({national.TASK_COLUMNS}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        db.session.commit()
        ids["tasks"] = db.session.execute(text("SELECT COUNT(*) FROM task")).scalar_one()
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
            autocommit.execute(text("ANALYZE" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))
    return ids


def measure(url: str, level: int, repeat: int, workdir: Path) -> list[dict]:
    import time_machine

    from gplan import create_app
    from gplan.extensions import db
    from gplan.timeutil import LOCAL_TZ

    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
    app = create_app(
        config | {"UPLOAD_FOLDER": str(workdir / "uploads"), "LOGIN_RATE_LIMIT": "1000 per minute"}
    )
    started = time.perf_counter()
    ids = load(app, level)
    print(f"  loaded {ids['tasks']:,} tasks in {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    plan, health = ids["plan"], ids["health"]
    results = []
    with time_machine.travel(datetime(2018, 7, 1, 9, tzinfo=LOCAL_TZ), tick=True):
        focal, coordinator = app.test_client(), app.test_client()
        for client, email in ((focal, "health@bench.test"), (coordinator, "coordinator@bench.test")):
            assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        last = coordinator.get(f"/api/v1/tasks?plan={plan}").get_json()["pages"]
        pages = [
            ("focal list", focal, f"/p/{plan}/tasks"),
            ("focal list p.5", focal, f"/p/{plan}/tasks?page=5"),
            ("a body's list", coordinator, f"/p/{plan}/tasks?body={health}"),
            ("all tasks", coordinator, f"/p/{plan}/progress/tasks"),
            ("all tasks last", coordinator, f"/p/{plan}/progress/tasks?page={last}"),
            ("overdue list", coordinator, f"/p/{plan}/progress/overdue"),
            ("body drill-down", coordinator, f"/p/{plan}/progress/bodies/{health}"),
            ("API tasks", coordinator, f"/api/v1/tasks?plan={plan}"),
        ]
        for name, client, page in pages:

            def fetch(client=client, page=page):
                assert client.get(page).status_code == 200, page

            fetch()
            statements.clear()
            fetch()
            queries = len([s for s in statements if s.lstrip()[:5].upper() != "BEGIN"])
            results.append(
                {
                    "page": name,
                    "tasks": ids["tasks"],
                    "ms": national.median_ms(fetch, repeat),
                    "queries": queries,
                }
            )
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--levels", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per page (the median is shown)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server where a throw-away database may be created",
    )
    args = parser.parse_args()
    levels = [int(re.sub(r"[_,]", "", level)) for level in args.levels.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gplan-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["GPLAN_INSTANCE"] = str(workdir / "instance")
        for backend in args.backends.split(","):
            for level in levels:
                print(f"{backend}: the plan and {level:,} more tasks", flush=True)
                with national.database(backend, args.pg_url, workdir) as url:
                    rows += [(backend, r) for r in measure(url, level, args.repeat, workdir)]
    print(f"\n{'database':<11}{'tasks':>11}  {'page':<17}{'median ms':>10}{'queries':>9}")
    for backend, r in rows:
        print(f"{backend:<11}{r['tasks']:>11,}  {r['page']:<17}{r['ms']:>10.1f}{r['queries']:>9}")


if __name__ == "__main__":
    main()
