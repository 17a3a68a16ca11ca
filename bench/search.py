"""Benchmark searching the task lists when one plan holds very many tasks, on SQLite and PostgreSQL.

A fresh database gets the Hải Dương plan and its accounts, then N more tasks in that one plan
spread over its bodies and duties, in every state (bulk inserts on SQLite, COPY on PostgreSQL,
through the triggers that keep the tally and the search index); one task in 20 carries a
note. Then, through the Flask test client, searches that find many tasks (a duty's words, a
body's name, a prefix of one letter), few (a number in one note) and none are opened on the
coordinator's task list, the overdue list, the focal point's list and the API (200 a page),
each beside the same page without a search. Printed per page: the median time, the number of
SQL statements and the tasks found. Timings only: nothing here is asserted.

    .venv/bin/python bench/search.py                                   # SQLite and PostgreSQL, 100k and 1M
    .venv/bin/python bench/search.py --backends sqlite --levels 100000
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import progress as national  # noqa: E402
import task_lists  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

TODAY = date(2018, 7, 1)
COLUMNS = national.TASK_COLUMNS + ", note"
NOTES = [
    "Đã gửi báo cáo 6 tháng",
    "Chờ kinh phí của Ủy ban nhân dân xã",
    "Đã tổ chức tập huấn cho cán bộ cơ sở",
    "Đang phối hợp với Hội Liên hiệp Phụ nữ",
]
SEARCHES = [
    ("none", None),
    ("duty words", "bao cao"),
    ("body name", "Tu Ky"),
    ("one letter", "d"),
    ("three words", "binh dang gioi"),
    ("one note", "bien ban 242"),
    ("nothing", "xyzzy"),
]


def task_rows(plan_id: int, bodies: list[int], duties: list[int], count: int):
    for row in task_lists.task_rows(plan_id, bodies, duties, count):
        n = int(row[3].split(":")[1])
        note = None
        if n % 20 == 7:
            note = NOTES[n % len(NOTES)]
        if n % 1000 == 242:
            note = f"Biên bản số {n}"  # "bien ban 242" is in one or two notes: 242, 242242
        yield (*row, note)


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
        plan = import_plan(read_plan_file(task_lists.PLAN_FILE), task_lists.PLAN_FILE.name).plan
        health = db.session.scalar(select(Body).filter_by(key="health"))
        password = task_lists.PASSWORD
        create_user(email="coordinator@bench.test", name="Bench", role=Role.COORDINATOR, password=password)
        create_user(
            email="health@bench.test", name="Y tế", role=Role.FOCAL_POINT, body=health, password=password
        )
        bodies = [b.id for b in task_holding_bodies(plan)]
        duties = list(db.session.scalars(select(Responsibility.id).where(Responsibility.plan_id == plan.id)))
        ids = {"plan": plan.id, "health": health.id}
        db.session.commit()
        rows = task_rows(plan.id, bodies, duties, count)
        connection = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(COLUMNS.split(",")))
            connection.exec_driver_sql(f"INSERT INTO task ({COLUMNS}) VALUES ({marks})", list(rows))
        else:
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY task ({COLUMNS}) FROM STDIN") as copy,
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
    plan = ids["plan"]
    results = []
    with time_machine.travel(datetime(2018, 7, 1, 9, tzinfo=LOCAL_TZ), tick=True):
        focal, coordinator = app.test_client(), app.test_client()
        for client, email in ((focal, "health@bench.test"), (coordinator, "coordinator@bench.test")):
            assert (
                client.post("/login", data={"email": email, "password": task_lists.PASSWORD}).status_code
                == 302
            )
        for search, words in SEARCHES:
            q = f"q={quote(words)}" if words else ""
            pages = [
                ("all tasks", coordinator, f"/p/{plan}/progress/tasks?{q}"),
                ("overdue list", coordinator, f"/p/{plan}/progress/overdue?{q}"),
                ("focal list", focal, f"/p/{plan}/tasks?{q}"),
                ("API tasks", coordinator, f"/api/v1/tasks?plan={plan}&per_page=200&{q}"),
            ]
            for name, client, page in pages:

                def fetch(client=client, page=page):
                    response = client.get(page)
                    assert response.status_code == 200, page
                    return response

                found = _found(fetch())
                statements.clear()
                fetch()
                queries = len([s for s in statements if s.lstrip()[:5].upper() != "BEGIN"])
                ms = national.median_ms(fetch, repeat)
                results.append({"search": search, "page": name, "ms": ms, "queries": queries, "found": found})
                print(
                    f"  {search:<12} {name:<13} {ms:>9.1f} ms {queries:>4} queries {found:>9} found",
                    flush=True,
                )
    engine.dispose()
    for r in results:
        r["tasks"] = ids["tasks"]
    return results


def _found(response) -> str:
    if response.is_json:
        return f"{response.get_json()['total']:,}"
    page = response.get_data(as_text=True)
    match = re.search(r'search-result" role="status">\D*?(\d+)', page) or re.search(r"<strong>(\d+)", page)
    return f"{int(match.group(1)):,}" if match else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--levels", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (the median is shown)")
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
    header = f"{'database':<11}{'tasks':>11}  {'search':<13}{'page':<14}{'median ms':>10}{'queries':>9}"
    print(f"\n{header}{'found':>11}")
    for backend, r in rows:
        print(
            f"{backend:<11}{r['tasks']:>11,}  {r['search']:<13}{r['page']:<14}{r['ms']:>10.1f}"
            f"{r['queries']:>9}{r['found']:>11}"
        )


if __name__ == "__main__":
    main()
