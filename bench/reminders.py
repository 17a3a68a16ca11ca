"""Benchmark: one day's reminders over a large installation, sent to a local SMTP server.

    .venv/bin/python bench/reminders.py [--tasks 200000] [--bodies 2000] [--database URL]

Builds a throw-away database (SQLite in a temporary folder unless --database names an empty
PostgreSQL database) with one plan, ``--bodies`` bodies each with a focal point, and
``--tasks`` tasks spread a year either side of the run's day (most past ones done); each body
has one task due three days after it, so every focal point gets a digest. Then it runs the
day as the scheduler would — compute who gets what, render the digests, queue them (building
each message's bytes) with the reminders they carry, send them to aiosmtpd on 127.0.0.1 — and
prints the time of each step, the whole run end to end, messages per second and the SQL
statements each step issued. The SMTP server runs in a process of its own, so that it does not
share the sender's interpreter (and its lock).

Goal (issue 12): 2,000 digests end to end in at most 10 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gplan import create_app  # noqa: E402
from gplan.extensions import db  # noqa: E402
from gplan.mail.delivery import deliver_all  # noqa: E402
from gplan.models import Body, Plan, Responsibility, Task, User  # noqa: E402
from gplan.reminders.digest import render_digests  # noqa: E402
from gplan.reminders.planner import due_reminders  # noqa: E402
from gplan.reminders.run import record_run  # noqa: E402

DAY = date(2027, 6, 14)  # a Monday
RESPONSIBILITIES = 20


class Sink:
    """Accepts every message and counts it."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def serve_smtp(port: int, pipe) -> None:
    """The SMTP sink, in its own process: answers until told to stop, then says how many it got."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    pipe.recv()
    controller.stop()
    pipe.send((sink.count, time.process_time()))


class SmtpProcess:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve_smtp, args=(self.port, child), daemon=True)

    def start(self) -> None:
        self.process.start()
        assert self.pipe.recv() == "ready"

    def stop(self) -> tuple[int, float]:
        """Stop the server; how many messages it received, and the CPU seconds it used."""
        self.pipe.send("stop")
        count, cpu = self.pipe.recv()
        self.process.join(timeout=10)
        return count, cpu


class Clock:
    """Wall and CPU time of each phase, with the SQL statements it issued."""

    def __init__(self, queries: QueryCounter):
        self.queries = queries

    def start(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.queries.take()

    def lap(self) -> tuple[float, float, int]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = wall - self.wall, cpu - self.cpu, self.queries.take()
        self.wall, self.cpu = wall, cpu
        return lap


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args):
        self.count += 1

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


def generate(task_count: int, body_count: int, seed: int = 3002) -> None:
    """The installation: a plan, its bodies with one focal point each, a coordinator, tasks."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    plan_id = db.session.execute(
        insert(Plan).returning(Plan.id),
        [
            {
                "code": "BENCH",
                "jurisdiction": "bench",
                "title": "Kế hoạch thử tải",
                "issuer": "UBND",
                "period_start": 2026,
                "period_end": 2030,
                "general_objective": "",
                "due_days": {},
            }
        ],
    ).scalar_one()
    responsibility_ids = [
        row.id
        for row in db.session.execute(
            insert(Responsibility).returning(Responsibility.id),
            [
                {
                    "plan_id": plan_id,
                    "ref": f"IV.{n}",
                    "paragraph": "IV",
                    "position": n,
                    "text": f"Nhiệm vụ số {n}: xây dựng và thực hiện kế hoạch, báo cáo kết quả định kỳ.",
                    "title_en": f"Duty {n}: plan, carry out and report",
                    "schedule": {"kind": "yearly", "due": "12-10"},
                }
                for n in range(RESPONSIBILITIES)
            ],
        )
    ]
    body_ids = [
        row.id
        for row in db.session.execute(
            insert(Body).returning(Body.id),
            [
                {"jurisdiction": "bench", "key": f"body-{n}", "name": f"Cơ quan số {n}"}
                for n in range(body_count)
            ],
        )
    ]
    db.session.execute(
        insert(User),
        [
            {
                "email": f"focal-{n}@bench.test",
                "name": f"Đầu mối {n}",
                "role": "focal_point",
                "body_id": body_id,
                "locale": "en" if n % 10 == 0 else "vi",
                "is_enabled": True,
                "session_version": 1,
                "created_at": now,
            }
            for n, body_id in enumerate(body_ids)
        ]
        + [
            {
                "email": "coordinator@bench.test",
                "name": "Điều phối",
                "role": "coordinator",
                "locale": "vi",
                "is_enabled": True,
                "session_version": 1,
                "created_at": now,
            }
        ],
    )
    rows = []
    for n in range(task_count):
        body_id = body_ids[n % body_count]
        index = n // body_count
        due = DAY + timedelta(days=rng.randint(-365, 365))
        if index == 0:  # every body has something due soon: every focal point gets a digest
            due = DAY + timedelta(days=3)
        window = index > 0 and rng.random() < 0.05
        progress = "not_started"
        if due < DAY and rng.random() < 0.85:
            progress = "done"
        elif rng.random() < 0.3:
            progress = "in_progress"
        rows.append(
            {
                "plan_id": plan_id,
                "responsibility_id": responsibility_ids[index % RESPONSIBILITIES],
                "body_id": body_id,
                "occurrence": str(index // RESPONSIBILITIES),
                "year": due.year,
                "due_on": due,
                "starts_on": due - timedelta(days=45) if window else None,
                "ends_on": due - timedelta(days=15) if window else None,
                "progress": progress,
                "completed_on": due if progress == "done" else None,
                "version": 1,
            }
        )
        if len(rows) == 20_000:
            db.session.execute(insert(Task), rows)
            rows = []
    if rows:
        db.session.execute(insert(Task), rows)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--bodies", type=int, default=2_000)
    parser.add_argument("--database", help="an empty database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    if args.database and args.database.startswith("postgresql://"):
        args.database = "postgresql+psycopg://" + args.database.removeprefix("postgresql://")

    workdir = Path(tempfile.mkdtemp(prefix="gplan-bench-"))
    os.environ["GPLAN_INSTANCE"] = str(workdir)
    smtp = SmtpProcess()
    smtp.start()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "bench",
            "BASE_URL": "http://gplan.bench",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "MAIL_TIMEOUT": 10,
            "MAIL_DEFAULT_SENDER": "gplan@bench.test",
        }
    )
    try:
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            generate(args.tasks, args.bodies)
            print(
                f"dataset: {args.tasks:,} tasks, {args.bodies:,} bodies with a focal point each "
                f"({time.perf_counter() - started:.1f} s to generate, {db.engine.dialect.name})"
            )
            queries = QueryCounter(db.engine)
            phases = {}
            clock = Clock(queries)

            clock.start()
            plan = due_reminders(DAY)
            phases["compute (who gets what)"] = clock.lap()

            messages = render_digests(plan)
            db.session.commit()
            phases["render digests (vi/en)"] = clock.lap()

            result = record_run(plan, messages, "bench", datetime.now(UTC))
            db.session.commit()
            phases["queue and record"] = clock.lap()

            delivery = deliver_all()
            phases["send (SMTP)"] = clock.lap()
    finally:
        received, server_cpu = smtp.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    total = sum(seconds for seconds, _, _ in phases.values())
    print(f"load average (1, 5, 15 min) after the run: {', '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print(f"day {DAY.isoformat()}: {len(plan.digests):,} digests carrying {plan.reminder_count:,} reminders")
    print(f"{'':25}{'wall':>8}    {'CPU':>6}    SQL statements")
    for name, (seconds, cpu, statements) in phases.items():
        print(f"{name + ':':25}{seconds:8.2f} s  {cpu:6.2f} s  {statements:6}")
    cpu = sum(cpu for _, cpu, _ in phases.values())
    print(
        f"{'end to end:':25}{total:8.2f} s  {cpu:6.2f} s  ({result.digests:,} messages, "
        f"{result.reminders:,} reminders; the SMTP server used {server_cpu:.2f} s CPU)"
    )
    sent = delivery["sent"]
    send = phases["send (SMTP)"][0]
    rate = sent / send if send else 0
    print(f"{'messages per second:':25}{rate:8.1f}  (sent {sent:,}, the server received {received:,})")


if __name__ == "__main__":
    main()
