"""Recording progress on tasks, and the queries behind a body's task list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_change_task, require
from gplan.extensions import db
from gplan.models import Body, Plan, Responsibility, ResponsibilityBody, Task, TaskEvent, User
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.ops import audit
from gplan.tasks import evidence as evidence_files
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress
from gplan.timeutil import local_today, utcnow


def _audit(task: Task, user: User, progress: str, note: str | None) -> None:
    """The audit log's entry for a progress change, made with the change itself."""
    where = f"{task.responsibility.ref} · {task.body.name} · {task.occurrence}"
    audit.record(
        audit.STATUS_CHANGED,
        actor=user,
        subject=task,
        summary=f"{where}: {task.progress} → {progress}",
        details={"from": task.progress, "to": progress, "note": note},
    )


def record_progress(
    task: Task,
    user: User,
    progress: str,
    note: str | None = None,
    evidence_url: str | None = None,
    evidence: tuple[str, str] | None = None,
) -> TaskEvent:
    """Set ``task``'s progress on behalf of ``user`` and record the change in its history and
    in the audit log (the web page, the API and scripts all come through here).

    Marking done stamps today's local date (what on-time is measured by); undoing clears it.
    ``evidence`` is a stored upload as (stored name, display name). The caller commits.
    """
    require(can_change_task(user, task))
    progress = TaskProgress(progress)  # ValueError for anything else
    _audit(task, user, progress, note or None)
    now = utcnow()
    event = TaskEvent(
        task=task,
        user_id=user.id,
        at=now,
        kind=TaskEventKind.PROGRESS,
        from_progress=task.progress,
        to_progress=progress,
        note=note or None,
    )
    details = {}
    if evidence_url:
        task.evidence_url = details["evidence_url"] = evidence_url
    if evidence:
        if task.evidence_file != evidence[0]:
            evidence_files.discard_after_commit(task.evidence_file)
        task.evidence_file, task.evidence_name = evidence
        details["evidence_name"] = evidence[1]
    event.details = details or None
    if note:
        task.note = note
    if progress == TaskProgress.DONE and task.is_open:
        task.completed_at, task.completed_on = now, local_today()
    elif progress != TaskProgress.DONE:
        task.completed_at = task.completed_on = None
    task.progress = progress
    task.updated_at = now
    db.session.add(event)
    return event


@dataclass
class TaskFilter:
    year: int | None = None
    objective_id: int | None = None
    activity_id: int | None = None


def body_tasks(plan: Plan, body: Body, filters: TaskFilter) -> list[Task]:
    """The body's tasks in ``plan``, earliest deadline first, with what the list shows loaded."""
    query = (
        select(Task)
        .where(Task.plan_id == plan.id, Task.body_id == body.id)
        .options(
            selectinload(Task.responsibility)
            .selectinload(Responsibility.body_roles)
            .selectinload(ResponsibilityBody.body)
        )
        .order_by(Task.due_on, Task.id)
    )
    if filters.year:
        query = query.where(Task.year == filters.year)
    if filters.objective_id:
        query = query.join(
            responsibility_objective,
            responsibility_objective.c.responsibility_id == Task.responsibility_id,
        ).where(responsibility_objective.c.objective_id == filters.objective_id)
    if filters.activity_id:
        query = query.join(
            responsibility_activity,
            responsibility_activity.c.responsibility_id == Task.responsibility_id,
        ).where(responsibility_activity.c.activity_id == filters.activity_id)
    return list(db.session.scalars(query))


@dataclass
class TaskGroups:
    overdue: list[Task] = field(default_factory=list)
    due_soon: list[Task] = field(default_factory=list)
    later: list[Task] = field(default_factory=list)
    done: list[Task] = field(default_factory=list)
    in_later_years: int = 0

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.later) + len(self.done)


def group_tasks(tasks: list[Task], today: date, due_soon_days: int, year: int | None = None) -> TaskGroups:
    """Sort tasks into the focal point's groups: overdue, due soon, later, done.

    Without a chosen ``year`` the list is "what matters now": every overdue task, what is due
    soon or open now, the rest of this year, and what was done this year; later years are
    only counted.
    """
    groups = TaskGroups()
    soon = today + timedelta(days=due_soon_days)
    for task in tasks:
        if not task.is_open:
            if (
                year is not None
                or task.year >= today.year
                or (task.completed_on and task.completed_on.year == today.year)
            ):
                groups.done.append(task)
        elif task.deadline < today:
            groups.overdue.append(task)
        elif task.deadline <= soon or (task.starts_on and task.starts_on <= today):
            groups.due_soon.append(task)
        elif year is None and task.deadline.year > today.year:
            groups.in_later_years += 1
        else:
            groups.later.append(task)
    groups.done.sort(key=lambda t: (t.completed_on or t.due_on, t.id), reverse=True)
    return groups


def next_progress_choices(task: Task) -> list[str]:
    """What the task can move to from where it is: every other state."""
    return [p for p in TaskProgress if p != task.progress]
