"""Two coordinators deciding the same submissions at the same moment: for each, one wins and
the other is told; never a 500, never both. Real commits from two connections."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime

import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Plan, Task, TaskEvent, TaskSubmission, User
from gplan.tasks import review
from gplan.tasks.vocabulary import SubmissionState, TaskEventKind, TaskProgress
from gplan.timeutil import LOCAL_TZ
from tests.helpers import ADMIN_EMAIL, COORDINATOR_EMAIL, focal_email, seed_plan_and_accounts
from tests.test_concurrency import _sign_in

TASKS = 6


def test_two_coordinators_decide_at_once(fresh_app):
    app = fresh_app
    app.test_client_class = FlaskClient
    with time_machine.travel(datetime(2018, 11, 26, 9, tzinfo=LOCAL_TZ), tick=True):
        with app.app_context():
            seed_plan_and_accounts()
            db.session.get(Plan, 1).review_required = True
            focal = db.session.scalar(select(User).filter_by(email=focal_email("health")))
            tasks = db.session.scalars(
                select(Task)
                .where(Task.body_id == focal.body_id, Task.year == 2018)
                .order_by(Task.id)
                .limit(TASKS)
            ).all()
            for task in tasks:
                review.submit(task, focal, "Đã làm")
            db.session.commit()
            ids = [task.id for task in tasks]
            db.session.remove()

        results: list[tuple[str, int, int]] = []
        lock = threading.Lock()
        start = threading.Barrier(2)

        def decide(email: str, data: dict) -> None:
            client = app.test_client()
            token = _sign_in(client, email)
            start.wait()
            for task_id in ids:
                status = client.post(
                    f"/tasks/{task_id}/decide", data={"csrf_token": token, **data}
                ).status_code
                with lock:
                    results.append((email, task_id, status))

        threads = [
            threading.Thread(target=decide, args=(COORDINATOR_EMAIL, {"accept": "1"})),
            threading.Thread(target=decide, args=(ADMIN_EMAIL, {"send_back": "1", "reason": "Thiếu"})),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(ids) >= 3 and len(results) == 2 * len(ids)
    assert {status for _email, _task, status in results} <= {302, 409}, Counter(s for *_x, s in results)
    with app.app_context():
        for task_id in ids:
            task = db.session.get(Task, task_id)
            assert task.progress in (TaskProgress.DONE, TaskProgress.RETURNED)
            decisions = db.session.scalar(
                select(func.count(TaskEvent.id)).where(
                    TaskEvent.task_id == task_id,
                    TaskEvent.kind.in_([TaskEventKind.ACCEPTED, TaskEventKind.RETURNED]),
                )
            )
            assert decisions == 1  # one decision won, the other changed nothing
            states = db.session.scalars(
                select(TaskSubmission.state).where(TaskSubmission.task_id == task_id)
            ).all()
            assert states in ([SubmissionState.ACCEPTED], [SubmissionState.RETURNED])
        db.session.remove()
