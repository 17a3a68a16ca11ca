"""Twenty focal points ticking tasks at once, and the coordinator racing them: no error,
no lost update, one history row per change. Real commits from many connections."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import date, datetime, time

import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Plan, Task, TaskEvent
from gplan.models.task import status_expression
from gplan.plans.queries import task_holding_bodies
from gplan.timeutil import LOCAL_TZ
from tests.helpers import COORDINATOR_EMAIL, csrf_from, focal_email, seed_plan_and_accounts

USERS = 20
VIEWED = date(2018, 7, 2)
TICKS_EACH = 4


def _sign_in(client: FlaskClient, email: str) -> str:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return csrf_from(client.get("/plans").get_data(as_text=True))


def test_concurrent_ticking(fresh_app):
    app = fresh_app
    app.test_client_class = FlaskClient
    with app.app_context():
        seed_plan_and_accounts()
        db.session.commit()
        work = {}
        for body in task_holding_bodies(db.session.get(Plan, 1))[:USERS]:
            ids = db.session.scalars(
                select(Task.id)
                .where(Task.body_id == body.id, Task.year == 2018)
                .order_by(Task.id)
                .limit(TICKS_EACH)
            ).all()
            work[body.key] = list(ids)
        db.session.remove()
    assert len(work) == USERS

    results: list[tuple[int, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(USERS + 1)

    def focal_point(key: str) -> None:
        client = app.test_client()
        token = _sign_in(client, focal_email(key))
        start.wait()
        for task_id in work[key]:
            status = client.post(
                f"/tasks/{task_id}", data={"csrf_token": token, "progress": "done", "note": key}
            ).status_code
            with lock:
                results.append((task_id, status))

    def coordinator() -> None:
        client = app.test_client()
        token = _sign_in(client, COORDINATOR_EMAIL)
        start.wait()
        for ids in work.values():
            status = client.post(
                f"/tasks/{ids[0]}", data={"csrf_token": token, "progress": "in_progress", "note": "nhắc"}
            ).status_code
            with lock:
                results.append((ids[0], status))

    with time_machine.travel(datetime(2018, 7, 1, 9, tzinfo=LOCAL_TZ), tick=True):
        threads = [threading.Thread(target=focal_point, args=(key,)) for key in work]
        threads.append(threading.Thread(target=coordinator))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    statuses = Counter(status for _, status in results)
    assert set(statuses) <= {302, 409}, statuses  # a lost race is a clear 409, never a 500
    assert len(results) == sum(len(ids) for ids in work.values()) + USERS
    with app.app_context():
        saved = Counter(task_id for task_id, status in results if status == 302)
        for task_id, changes in saved.items():
            events = db.session.scalars(
                select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
            ).all()
            assert len(events) == changes  # one history row per accepted change
            task = db.session.get(Task, task_id)
            assert task.progress == events[-1].to_progress  # the last accepted change is what stands
            assert task.version == changes + 1
        total = db.session.scalar(select(func.count(TaskEvent.id)))
        assert total == sum(saved.values())
        in_database = dict(
            db.session.execute(
                select(status_expression(VIEWED).label("status"), func.count(Task.id))
                .where(Task.plan_id == 1, Task.year == 2018)
                .group_by("status")
            ).all()
        )
    # The coordinator's overview shows exactly what the database holds.
    coordinator = app.test_client()
    with time_machine.travel(datetime.combine(VIEWED, time(9), LOCAL_TZ), tick=False):
        _sign_in(coordinator, COORDINATOR_EMAIL)
        page = coordinator.get("/p/1/progress?year=2018").get_data(as_text=True)
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    shown = {status: int(n) for status, n in re.findall(r'status=(\w+)[^"]*">(\d+)</a>', footer)}
    assert shown and {k: v for k, v in in_database.items() if v} == shown
