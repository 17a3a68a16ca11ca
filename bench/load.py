"""Load test: gunicorn (4 workers) on PostgreSQL with the one-plan data of bench/progress.py
(16 bodies), 50 simulated focal points and 5 coordinators for 60 s, loopback only.

    .venv/bin/python bench/load.py                      # 1M tasks, 60 s
    .venv/bin/python bench/load.py --level 100000 --seconds 30 --pg-url postgresql://postgres@127.0.0.1:5432/postgres

Printed: requests per second, median and p95 latency per page, and errors. The aim on a
2-core machine: p95 under 300 ms for every page, zero errors. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # locust runs on gevent; patch before anything opens a socket

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402
import progress as national  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

FOCAL_POINTS, COORDINATORS = 50, 5
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def add_accounts(engine, metadata) -> None:
    """A focal point for each of the plan's bodies (at most 50), and 5 coordinators."""
    password = generate_password_hash(national.PASSWORD)
    users = metadata.tables["user_account"]
    with engine.begin() as connection:
        bodies = connection.execute(
            text("SELECT body_id FROM plan_body WHERE plan_id = 1 ORDER BY position")
        ).scalars()
        rows = [
            {"email": f"focal{i}@bench.test", "name": f"Đầu mối {i}", "role": "focal_point", "body_id": body}
            for i, body in enumerate(list(bodies)[:FOCAL_POINTS])
        ]
        rows += [
            {
                "email": f"coordinator{i}@bench.test",
                "name": f"Điều phối {i}",
                "role": "coordinator",
                "body_id": None,
            }
            for i in range(COORDINATORS)
        ]
        connection.execute(users.insert(), [row | {"password_hash": password} for row in rows])
        known = set(connection.execute(select(users.c.email)).scalars())
    assert {row["email"] for row in rows} <= known


def signed_in(user: HttpUser, email: str) -> str:
    page = user.client.get("/login", name="/login").text
    user.client.post(
        "/login",
        data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": national.PASSWORD},
        name="/login [POST]",
    )
    return CSRF.search(user.client.get("/plans", name="/plans").text).group(1)


class FocalPoint(HttpUser):
    fixed_count = FOCAL_POINTS
    wait_time = between(1, 3)
    counter = 0

    def on_start(self):
        FocalPoint.counter += 1
        self.token = signed_in(self, f"focal{(FocalPoint.counter - 1) % FOCAL_POINTS}@bench.test")
        self.task_ids = []

    @task(4)
    def my_tasks(self):
        page = self.client.get("/p/1/tasks?year=2018", name="/p/1/tasks").text
        self.task_ids = [int(i) for i in re.findall(r'href="/tasks/(\d+)"', page)] or self.task_ids

    @task(2)
    def open_a_task(self):
        if self.task_ids:
            self.client.get(f"/tasks/{random.choice(self.task_ids)}", name="/tasks/<id>")

    @task(1)
    def tick_a_task(self):
        if self.task_ids:
            task_id = random.choice(self.task_ids)
            self.client.post(
                f"/tasks/{task_id}",
                data={
                    "csrf_token": self.token,
                    "progress": random.choice(["in_progress", "done"]),
                    "note": "tải thử",
                },
                name="/tasks/<id> [POST]",
            )


class Coordinator(HttpUser):
    fixed_count = COORDINATORS
    wait_time = between(1, 3)
    counter = 0

    def on_start(self):
        Coordinator.counter += 1
        signed_in(self, f"coordinator{(Coordinator.counter - 1) % COORDINATORS}@bench.test")

    @task(3)
    def overview(self):
        self.client.get("/p/1/progress", name="/p/1/progress")

    @task(1)
    def overview_of_a_year(self):
        self.client.get("/p/1/progress?year=2018", name="/p/1/progress?year")

    @task(2)
    def heatmap(self):
        self.client.get("/p/1/progress/years", name="/p/1/progress/years")

    @task(1)
    def by_objective(self):
        self.client.get("/p/1/progress/objective", name="/p/1/progress/objective")

    @task(1)
    def overdue(self):
        self.client.get("/p/1/progress/overdue", name="/p/1/progress/overdue")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "GPLAN_INSTANCE": str(workdir),
        "LOGIN_RATE_LIMIT": "100000 per minute",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w",
        "4",
        "-b",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run_load(base: str, seconds: int) -> Environment:
    env = Environment(user_classes=[FocalPoint, Coordinator], host=base)
    runner = env.create_local_runner()
    runner.start(FOCAL_POINTS + COORDINATORS, spawn_rate=FOCAL_POINTS + COORDINATORS)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env


def report(env: Environment, seconds: int) -> None:
    total = env.stats.total
    rate = total.num_requests / seconds
    print(f"\n{total.num_requests} requests in {seconds} s: {rate:.1f} req/s, {total.num_failures} errors")
    print(f"{'page':34} {'requests':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
    for (name, _method), entry in sorted(env.stats.entries.items()):
        p95 = entry.get_response_time_percentile(0.95)
        flag = "" if p95 <= 300 else "  > 300 ms"
        median = entry.median_response_time
        print(f"{name:34} {entry.num_requests:8} {median:10.0f} {p95:8.0f} {entry.num_failures:7}{flag}")
    for error in env.stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} ×{error.occurrences}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--level", type=int, default=1_000_000, help="tasks in the national data set")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()

    import gplan.models  # noqa: F401
    from gplan.extensions import db  # the models' metadata, for the schema

    with (
        tempfile.TemporaryDirectory() as folder,
        common.database("postgresql", args.pg_url, Path(folder)) as url,
    ):
        engine = create_engine(url)
        db.metadata.create_all(engine)
        started = time.perf_counter()
        national.load(engine, db.metadata, args.level)
        add_accounts(engine, db.metadata)
        print(f"loaded {args.level:,} tasks in {time.perf_counter() - started:.0f} s")
        engine.dispose()
        server, base = serve(url.replace("postgresql+psycopg://", "postgresql://", 1), Path(folder))
        try:
            env = run_load(base, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        report(env, args.seconds)


if __name__ == "__main__":
    main()
