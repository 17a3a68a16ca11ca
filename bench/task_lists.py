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

import random
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import progress as national
from common import PASSWORD, ROOT
from sqlalchemy import select, text

PLAN_FILE = ROOT / "plans" / "hai-duong-3002-2016-2020.yaml"
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


def load(
    app,
    count: int,
    rows: Callable[[int, list[int], list[int], int], Iterable[tuple]] = task_rows,
    columns: str = national.TASK_COLUMNS,
) -> dict:
    """The Hải Dương plan, a coordinator and the health department's focal point, then
    ``count`` more tasks from ``rows`` (given ``columns``) in that plan."""
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
        common.bulk_insert(db.session.connection(), "task", columns, rows(plan.id, bodies, duties, count))
        db.session.commit()
        ids["tasks"] = db.session.execute(text("SELECT COUNT(*) FROM task")).scalar_one()
        db.session.remove()
        common.analyze(db.engine)
    return ids


def loaded_app(url: str, level: int, workdir: Path, **rows) -> tuple:
    """The app on a fresh database loaded by :func:`load`, its ids, its engine's statements and
    signed-in clients (``focal``, ``coordinator``)."""
    from gplan.extensions import db

    app = common.bench_app(url, workdir)
    started = time.perf_counter()
    ids = load(app, level, **rows)
    print(f"  loaded {ids['tasks']:,} tasks in {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        engine = db.engine
    return app, ids, engine, common.Statements(engine)


def measure(url: str, level: int, repeat: int, workdir: Path) -> list[dict]:
    app, ids, engine, statements = loaded_app(url, level, workdir)
    plan, health = ids["plan"], ids["health"]
    results = []
    with common.on_bench_day(datetime(2018, 7, 1, 9)):
        clients = common.signed_in(
            app, {"focal": "health@bench.test", "coordinator": "coordinator@bench.test"}
        )
        focal, coordinator = clients["focal"], clients["coordinator"]
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
            ms, queries, _ = common.time_page(client, page, statements, repeat)
            results.append({"page": name, "tasks": ids["tasks"], "ms": ms, "queries": queries})
    engine.dispose()
    return results


def main() -> None:
    args = common.arguments(__doc__, backends="sqlite", levels="10000,100000,1000000", repeat=7)
    rows = []
    for backend, level, url, workdir in common.each_database(
        args, lambda backend, level: f"{backend}: the plan and {level:,} more tasks"
    ):
        rows += [(backend, r) for r in measure(url, level, args.repeat, workdir)]
    print(f"\n{'database':<11}{'tasks':>11}  {'page':<17}{'median ms':>10}{'queries':>9}")
    for backend, r in rows:
        print(f"{backend:<11}{r['tasks']:>11,}  {r['page']:<17}{r['ms']:>10.1f}{r['queries']:>9}")
    print(f"load average: {common.load_average()}")


if __name__ == "__main__":
    main()
