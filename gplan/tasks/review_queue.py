"""The coordinator's review queue: every submission awaiting review, oldest first, filtered by
body, year and objective; deciding several at once; and what has waited too long."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from gplan.extensions import db
from gplan.models import Plan, Task, TaskSubmission, User
from gplan.models.plan import responsibility_objective
from gplan.paging import Page, paginate
from gplan.tasks import review
from gplan.tasks.vocabulary import SubmissionState, TaskProgress
from gplan.validation import InputError


def waiting_query(
    plan: Plan, body_id: int | None = None, year: int | None = None, objective_id: int | None = None
) -> Select[tuple[TaskSubmission]]:
    """The submissions of ``plan`` awaiting review, oldest first."""
    query = (
        select(TaskSubmission)
        .join(Task, TaskSubmission.task_id == Task.id)
        .where(
            Task.plan_id == plan.id,
            Task.progress == TaskProgress.SUBMITTED,
            TaskSubmission.state == SubmissionState.WAITING,
        )
        .options(selectinload(TaskSubmission.task).selectinload(Task.responsibility))
        .options(selectinload(TaskSubmission.task).selectinload(Task.body))
        .order_by(TaskSubmission.submitted_at, TaskSubmission.id)
    )
    if body_id is not None:
        query = query.where(Task.body_id == body_id)
    if year is not None:
        query = query.where(Task.year == year)
    if objective_id is not None:
        linked = select(responsibility_objective.c.responsibility_id).where(
            responsibility_objective.c.objective_id == objective_id
        )
        query = query.where(Task.responsibility_id.in_(linked))
    return query


def waiting_page(plan: Plan, page: int, per_page: int, **filters: int | None) -> Page[TaskSubmission]:
    return paginate(waiting_query(plan, **filters), page, per_page)


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    days = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days


def waiting_too_long(today: date) -> list[TaskSubmission]:
    """Submissions, of every plan with review on, that have waited more than the plan's number
    of working days by ``today``, oldest first (for the coordinators' daily digest)."""
    query = (
        select(TaskSubmission)
        .join(Task, TaskSubmission.task_id == Task.id)
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.review_required.is_(True),
            Task.progress == TaskProgress.SUBMITTED,
            TaskSubmission.state == SubmissionState.WAITING,
            TaskSubmission.submitted_on < today,
        )
        .options(selectinload(TaskSubmission.task).selectinload(Task.plan))
        .order_by(TaskSubmission.submitted_at, TaskSubmission.id)
    )
    return [
        s
        for s in db.session.scalars(query)
        if working_days_between(s.submitted_on, today) > s.task.plan.review_wait_days
    ]


@dataclass
class Outcome:
    """What deciding several submissions at once did: the tasks decided, and those refused with why."""

    decided: list[Task] = field(default_factory=list)
    refused: list[tuple[Task, str]] = field(default_factory=list)


def decide_many(
    user: User, plan: Plan, versions: dict[int, int | None], *, accept: bool, reason: str | None = None
) -> Outcome:
    """Accept, or return with ``reason``, the tasks ``versions`` names (task id → the version the
    coordinator read). Each is decided on its own: one that changed meanwhile or was decided
    already is refused and named, the others go through. The caller commits."""
    if not accept and not (reason or "").strip():
        raise InputError(gettext("Say why the submission is returned."), "reason")
    step: Callable[[Task], object] = (
        (lambda task: review.accept(task, user, versions[task.id]))
        if accept
        else (lambda task: review.return_submission(task, user, reason, versions[task.id]))
    )
    outcome = Outcome()
    tasks = db.session.scalars(
        select(Task).where(Task.id.in_(versions), Task.plan_id == plan.id).order_by(Task.id)
    )
    for task in tasks:
        try:
            with db.session.begin_nested():
                step(task)
                db.session.flush()
        except review.ReviewConflict as error:
            outcome.refused.append((task, error.message))
        except StaleDataError:
            outcome.refused.append((task, gettext("The task was changed since you read it: read it again.")))
        else:
            outcome.decided.append(task)
    return outcome
