"""Reminder tests: a real SMTP server (aiosmtpd on 127.0.0.1) and the day's situation.

``settle_before(day)`` marks every task due before ``day`` done, so that a test starts from
a clean slate and then makes the few late or due tasks it needs.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from gplan.extensions import db
from gplan.models import Task
from gplan.tasks.vocabulary import TaskProgress


@pytest.fixture
def smtp(app, smtp_server):
    """The session app sends through a fresh local SMTP server for this test."""
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=5)
    yield smtp_server
    app.config.update(saved)


def settle_before(day: date) -> None:
    """Mark every task whose deadline is before ``day`` done on time, and commit."""
    db.session.execute(
        update(Task)
        .where(Task.deadline < day, Task.progress != TaskProgress.DONE)
        .values(progress=TaskProgress.DONE, completed_on=Task.due_on)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()


def reopen(task: Task, deadline: date) -> Task:
    """Make ``task`` open again with an extended deadline (as after an agreed extension)."""
    task.progress, task.completed_on, task.extended_due_on = TaskProgress.NOT_STARTED, None, deadline
    db.session.commit()
    return task


def open_tasks_due(day: date) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.deadline == day, Task.is_open)))
