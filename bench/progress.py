"""Benchmark every page a plan's people use, with ALL tasks in ONE plan, on SQLite and PostgreSQL.

For each size (default 4,800, 100k and 1M tasks) a fresh database gets one plan of 16 bodies,
40 duties (serving 7 objectives and 5 activities as the real plan's do), 5 years (2016–2020)
and tasks in every state as of 1 July 2018, loaded with bulk inserts (SQLite) or COPY
(PostgreSQL) through the task table's triggers, so the task tally is built as in use. Each
duty falls due twice a year for every body; 3 % of tasks have an extended deadline.

Then, through the Flask test client, the coordinator opens every summary page (overview, one
year's overview, bodies × years, bodies × objectives, bodies × activities, one objective, one
body's drill-down), the overdue list, all tasks and one body's list; the focal point opens
its own list and a task page; the coordinator reads the API's task list (200 a page). Each
page is timed beside the raw SQL it needs (hand-written, on the same database): p50 and p95
of each, their ratios, and the SQL statements the page issued. For the summary pages a last
column times the GROUP BY over the tasks that the task tally replaces.

    .venv/bin/python bench/progress.py                                  # both databases, all sizes
    .venv/bin/python bench/progress.py --backends sqlite --levels 4800,100000
    .venv/bin/python bench/progress.py --pg-url postgresql://postgres@127.0.0.1:5432/postgres

See bench/README.md for how to read it and how to run the same pages beside Kanboard.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import PASSWORD, p50_p95, timings
from sqlalchemy import text
from werkzeug.security import generate_password_hash

TODAY = date(2018, 7, 1)
BODIES, YEARS = 16, list(range(2016, 2021))
DUTIES, OBJECTIVES, ACTIVITIES = 40, 7, 5
DUE_DAYS = ["01-31", "06-15", "07-31", "09-30", "12-10", "12-31"]
TASK_COLUMNS = (
    "plan_id, responsibility_id, body_id, occurrence, year, due_on, extended_due_on, "
    "progress, completed_on, version"
)
PLAN, BODY, OBJECTIVE, FOCAL_BODY = 1, 5, 1, 5  # the plan, the body and objective whose pages are timed
STATUS = """CASE
  WHEN progress = 'done' AND {on_time} THEN 'done_on_time'
  WHEN progress = 'done' THEN 'done_late'
  WHEN {deadline} < :today THEN 'overdue'
  WHEN progress = 'in_progress' THEN 'in_progress'
  ELSE 'not_started' END"""
ON_TASKS = STATUS.format(on_time="completed_on <= due_on", deadline="COALESCE(extended_due_on, due_on)")
ON_TALLY = STATUS.format(on_time="on_time", deadline="deadline")
DEADLINE = "COALESCE(t.extended_due_on, t.due_on)"
ROWS = (
    "SELECT t.*, r.id, r.ref, r.text, b.id, b.name FROM task t "
    "JOIN responsibility r ON r.id = t.responsibility_id JOIN body b ON b.id = t.body_id "
    "WHERE t.plan_id = :plan {where} "
    f"ORDER BY {DEADLINE}, t.body_id, t.id LIMIT {{limit}}"
)
OVERDUE = f"t.progress <> 'done' AND {DEADLINE} < :today"


def _names(keys: str) -> str:
    return ", ".join(key.split(" AS ")[-1] for key in keys.split(", "))


def _tally(keys: str, where: str = "", join: str = "", table: str = "task_body_tally") -> str:
    return (
        f"SELECT {_names(keys)}, status, SUM(tasks) FROM (SELECT {keys}, {ON_TALLY} AS status, tasks"
        f" FROM {table} {join} WHERE plan_id = :plan {where}) s GROUP BY {_names(keys)}, status"
    )


def _duty_tally(keys: str, where: str = "", join: str = "") -> str:
    return _tally(keys, where, join, "task_tally")


def _tasks(keys: str, where: str = "", join: str = "") -> str:
    return (
        f"SELECT {_names(keys)}, status, COUNT(*) FROM (SELECT {keys}, {ON_TASKS} AS status FROM task {join}"
        f" WHERE plan_id = :plan {where}) s GROUP BY {_names(keys)}, status"
    )


OBJECTIVE_KEY, ACTIVITY_KEY = (
    "body_id, COALESCE(ro.objective_id,0) AS theme",
    "body_id, COALESCE(ra.activity_id,0) AS theme",
)
OBJECTIVE_JOIN = "LEFT JOIN responsibility_objective ro ON ro.responsibility_id = {t}.responsibility_id"
ACTIVITY_JOIN = "LEFT JOIN responsibility_activity ra ON ra.responsibility_id = {t}.responsibility_id"
SERVING = (
    "AND responsibility_id IN "
    "(SELECT responsibility_id FROM responsibility_objective WHERE objective_id = :objective)"
)
# A list's pager sums tally rows when its filters name only what the tally holds.
PLAN_COUNT = "SELECT SUM(tasks) FROM task_body_tally WHERE plan_id = :plan"
BODY_COUNT = "SELECT SUM(tasks) FROM task_body_tally WHERE plan_id = :plan AND body_id = :body"

# name: (who, path, raw SQL statements the page needs, the GROUP BY over tasks the tally replaces)
# The objectives' and activities' pages open on this year; ?year=0 asks for the whole period,
# which is what their raw queries count.
PAGES = {
    "overview": ("coordinator", "/p/{plan}/progress", [_tally("body_id")], [_tasks("body_id")]),
    "overview 2018": (
        "coordinator",
        "/p/{plan}/progress?year=2018",
        [_tally("body_id", "AND year = 2018")],
        [_tasks("body_id", "AND year = 2018")],
    ),
    "bodies × years": (
        "coordinator",
        "/p/{plan}/progress/years",
        [_tally("body_id, year")],
        [_tasks("body_id, year")],
    ),
    "bodies × objectives": (
        "coordinator",
        "/p/{plan}/progress/objective?year=0",
        [
            _duty_tally(
                "body_id, COALESCE(ro.objective_id,0) AS theme", join=OBJECTIVE_JOIN.format(t="task_tally")
            ),
            _tally("body_id"),
        ],
        [_tasks(OBJECTIVE_KEY, join=OBJECTIVE_JOIN.format(t="task"))],
    ),
    "bodies × activities": (
        "coordinator",
        "/p/{plan}/progress/activity?year=0",
        [
            _duty_tally(ACTIVITY_KEY, join=ACTIVITY_JOIN.format(t="task_tally")),
            _tally("body_id"),
        ],
        [_tasks(ACTIVITY_KEY, join=ACTIVITY_JOIN.format(t="task"))],
    ),
    "one objective": (
        "coordinator",
        "/p/{plan}/progress/objective/{objective}?year=0",
        [_duty_tally("body_id", SERVING), _duty_tally("responsibility_id", SERVING)],
        [_tasks("body_id", SERVING), _tasks("responsibility_id", SERVING)],
    ),
    "body drill-down": (
        "coordinator",
        "/p/{plan}/progress/bodies/{body}",
        [
            _tally("year", "AND body_id = :body"),
            BODY_COUNT,
            ROWS.format(where="AND t.body_id = :body", limit=50),
        ],
        [_tasks("year", "AND body_id = :body")],
    ),
    "overdue list": (
        "coordinator",
        "/p/{plan}/progress/overdue",
        [_tally("plan_id"), ROWS.format(where=f"AND {OVERDUE}", limit=50)],
        [],
    ),
    "all tasks": (
        "coordinator",
        "/p/{plan}/progress/tasks",
        [PLAN_COUNT, ROWS.format(where="", limit=50)],
        [],
    ),
    "a body's list": (
        "coordinator",
        "/p/{plan}/tasks?body={body}",
        [BODY_COUNT, ROWS.format(where="AND t.body_id = :body", limit=50)],
        [],
    ),
    "my tasks (focal)": (
        "focal",
        "/p/{plan}/tasks",
        [
            f"SELECT {ON_TASKS}, COUNT(*) FROM task WHERE plan_id = :plan AND body_id = :body GROUP BY 1",
            ROWS.format(where=f"AND t.body_id = :body AND {OVERDUE}", limit=50),
        ],
        [],
    ),
    "task page": (
        "focal",
        "/tasks/{task}",
        [
            "SELECT * FROM task t JOIN responsibility r ON r.id = t.responsibility_id "
            "JOIN body b ON b.id = t.body_id WHERE t.id = :task",
            "SELECT * FROM task_event WHERE task_id = :task ORDER BY id DESC",
        ],
        [],
    ),
    "API list (200)": (
        "coordinator",
        "/api/v1/tasks?plan={plan}&per_page=200",
        [PLAN_COUNT, ROWS.format(where="", limit=200)],
        [],
    ),
}


def task_rows(level: int, rng: random.Random):
    """Tasks in every state as of TODAY: most past ones done (some late), some forgotten."""
    per_body_year = max(1, round(level / (BODIES * len(YEARS))))
    for body in range(1, BODIES + 1):
        for year in YEARS:
            for k in range(per_body_year):
                duty = k % DUTIES
                day = DUE_DAYS[(duty + (k // DUTIES) % 2 * 3) % len(DUE_DAYS)]  # two due days a duty
                due = date.fromisoformat(f"{year}-{day}")
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
                yield (PLAN, duty + 1, body, f"{year}:{k}", year, due, extended, progress, completed, 1)


def plan_rows() -> dict[str, list[dict]]:
    """The plan, its bodies, objectives, activities and duties, as rows per table."""
    jurisdiction = "bench"
    return {
        "body": [
            {"id": b, "jurisdiction": jurisdiction, "key": f"body-{b:02d}", "name": f"Cơ quan {b}"}
            for b in range(1, BODIES + 1)
        ],
        "plan": [
            {
                "id": PLAN,
                "code": "BENCH",
                "jurisdiction": jurisdiction,
                "title": "Kế hoạch thử tải",
                "issuer": "UBND tỉnh",
                "period_start": YEARS[0],
                "period_end": YEARS[-1],
                "general_objective": "",
                "due_days": {},
                "coordinator_body_id": 1,
            }
        ],
        "plan_body": [
            {"plan_id": PLAN, "body_id": b, "ref": f"IV.{b}", "position": b} for b in range(1, BODIES + 1)
        ],
        "objective": [
            {"id": o, "plan_id": PLAN, "number": o, "ref": f"I.2.{o}", "title": f"Mục tiêu {o}"}
            for o in range(1, OBJECTIVES + 1)
        ],
        "activity": [
            {"id": a, "plan_id": PLAN, "number": a, "ref": f"II.{a}", "title": f"Hoạt động {a}"}
            for a in range(1, ACTIVITIES + 1)
        ],
        "responsibility": [
            {
                "id": d + 1,
                "plan_id": PLAN,
                "ref": f"IV.{d % BODIES + 1}.{d // BODIES + 1}",
                "paragraph": f"IV.{d % BODIES + 1}",
                "position": d,
                "text": f"Nhiệm vụ {d + 1}: báo cáo kết quả thực hiện bình đẳng giới",
                "schedule": {"kind": "yearly", "due": "annual_report"},
            }
            for d in range(DUTIES)
        ],
        "responsibility_objective": [
            {"responsibility_id": d + 1, "objective_id": d % OBJECTIVES + 1}
            for d in range(DUTIES)
            if d % 4 != 3  # a quarter of the duties serve no objective, as in the real plan
        ],
        "responsibility_activity": [
            {"responsibility_id": d + 1, "activity_id": d % ACTIVITIES + 1} for d in range(0, DUTIES, 2)
        ],
    }


def load(engine, metadata, level: int) -> None:
    """Fill an empty schema in one transaction. The small tables go through SQLAlchemy Core
    (so the models' column defaults apply); the tasks through executemany on SQLite and COPY on
    PostgreSQL, each firing the task table's triggers that keep the tally."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        for table, rows in plan_rows().items():
            connection.execute(metadata.tables[table].insert(), rows)
        common.bulk_insert(connection, "task", TASK_COLUMNS, task_rows(level, random.Random(level)))
        password = generate_password_hash(PASSWORD)
        accounts = [("coordinator", None), ("focal_point", FOCAL_BODY)]
        connection.execute(
            metadata.tables["user_account"].insert(),
            [
                {"email": f"{role.split('_')[0]}@bench.test", "name": role, "role": role, "body_id": body}
                | {"password_hash": password}
                for role, body in accounts
            ],
        )
        if not sqlite:
            for table in ("body", "plan", "objective", "activity", "responsibility"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    common.analyze(engine)


def measure(url: str, level: int, repeat: int, workdir: Path) -> tuple[dict, list[dict]]:
    from gplan.extensions import db
    from gplan.memory import freeze_loaded_app

    app = common.bench_app(url, workdir)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        load(db.engine, db.metadata, level)
        facts = {
            "tasks": db.session.execute(text("SELECT COUNT(*) FROM task")).scalar_one(),
            "tally rows": db.session.execute(text("SELECT COUNT(*) FROM task_tally")).scalar_one(),
            "body tally rows": db.session.execute(text("SELECT COUNT(*) FROM task_body_tally")).scalar_one(),
            "load s": time.perf_counter() - started,
        }
        task_id = db.session.execute(
            text(f"SELECT MIN(id) FROM task WHERE body_id = {FOCAL_BODY} AND year = 2018")
        ).scalar_one()
        engine = db.engine
        db.session.remove()
    print(
        f"  loaded {facts['tasks']:,} tasks ({facts['body tally rows']:,} + {facts['tally rows']:,} "
        f"tally rows) in {facts['load s']:.1f} s",
        flush=True,
    )
    statements = common.Statements(engine)
    freeze_loaded_app()  # as gunicorn's workers and `flask serve` do once the app is loaded
    params = {"plan": PLAN, "body": BODY, "objective": OBJECTIVE, "task": task_id, "today": TODAY}
    results = []
    # Requests run outside any app context, as in production: each gets its own session.
    with common.on_bench_day(datetime(2018, 7, 1, 9)):
        clients = common.signed_in(app, {who: f"{who}@bench.test" for who in ("coordinator", "focal")})
        for name, (who, path, raw, direct) in PAGES.items():
            page = path.format(**params)

            def fetch(client=clients[who], page=page):
                response = client.get(page)
                assert response.status_code == 200, f"{page} gave {response.status_code}"

            fetch()
            queries = statements.during(fetch)
            cpu: list[float] = []
            row = {"page": name, "page_ms": p50_p95(timings(fetch, repeat, cpu)), "queries": queries}
            row["cpu_ms"] = statistics.median(cpu)
            with engine.connect() as connection:

                def run(sqls, c=connection):
                    for sql in sqls:
                        c.execute(text(sql), params).fetchall()

                row["raw_ms"] = p50_p95(timings(lambda raw=raw: run(raw), repeat))
                row["direct_ms"] = (
                    p50_p95(timings(lambda direct=direct: run(direct), max(3, repeat // 4)))
                    if direct
                    else None
                )
            results.append(row)
            print(f"    {name:<20} p50 {row['page_ms'][0]:8.1f} ms", flush=True)
    engine.dispose()
    return facts, results


def report(all_results: dict[tuple[str, int], tuple[dict, list[dict]]]) -> None:
    print()
    print(
        f"{'database':<11}{'tasks':>10}  {'page':<20}{'p50 ms':>8}{'p95 ms':>8}{'raw p50':>9}{'raw p95':>9}"
        f"{'ratio p50':>10}{'ratio p95':>10}{'queries':>8}{'CPU p50':>9}{'count tasks p50':>17}"
    )
    for (backend, _), (facts, results) in all_results.items():
        for r in results:
            (p50, p95), (raw50, raw95) = r["page_ms"], r["raw_ms"]
            direct = f"{r['direct_ms'][0]:>17.1f}" if r["direct_ms"] else f"{'':>17}"
            print(
                f"{backend:<11}{facts['tasks']:>10,}  {r['page']:<20}{p50:>8.1f}{p95:>8.1f}"
                f"{raw50:>9.2f}{raw95:>9.2f}{p50 / raw50:>10.1f}{p95 / raw95:>10.1f}{r['queries']:>8}"
                f"{r['cpu_ms']:>9.1f}{direct}"
            )
    print("\nraw: the hand-written SQL the page needs (summaries read the task tally); ratio: page ÷ raw;")
    print("count tasks: the GROUP BY over the tasks that the tally replaces (what the page cost before).")
    print("CPU: this process's CPU time per page (the app, and SQLite; PostgreSQL works in its own process).")
    print(f"load average when the table was printed: {common.load_average()}")
    for (backend, _), (facts, _) in all_results.items():
        print(
            f"  {backend}: {facts['tasks']:,} tasks; tally rows: {facts['body tally rows']:,} per body, "
            f"{facts['tally rows']:,} per body and duty; "
            f"loaded in {facts['load s']:.0f} s"
        )


def describe(backend: str, level: int) -> str:
    return f"{backend}: {level:,} tasks in one plan ({BODIES} bodies × {len(YEARS)} years)"


def main() -> None:
    args = common.arguments(__doc__, backends="sqlite,postgresql", levels="4800,100000,1000000", repeat=20)
    results: dict[tuple[str, int], tuple[dict, list[dict]]] = {}
    for backend, level, url, workdir in common.each_database(args, describe):
        results[(backend, level)] = measure(url, level, args.repeat, workdir)
    report(results)


if __name__ == "__main__":
    main()
