"""The coordinator's changes to tasks: ad-hoc tasks and deadline extensions."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import func, select

from gplan.accounts.access import require
from gplan.extensions import db
from gplan.models import Body, Plan, Responsibility, ResponsibilityBody, Task, TaskEvent, User
from gplan.models.plan import ASSIGNEE
from gplan.ops import audit
from gplan.tasks.sync import sync_tasks
from gplan.tasks.vocabulary import TaskEventKind
from gplan.timeutil import utcnow
from gplan.validation import InputError

AD_HOC_PARAGRAPH = "AH"


def _next_ad_hoc_ref(plan: Plan) -> tuple[str, int]:
    """The next free AH.n of ``plan``. Coordinators adding ad-hoc work at the same moment take
    turns on the plan's row until they commit, so no two get the same number (PostgreSQL: a
    lock that does not block readers nor inserts referring to the plan; SQLite's writers hold
    the database's write lock already)."""
    db.session.execute(select(Plan.id).where(Plan.id == plan.id).with_for_update(key_share=True))
    count = db.session.scalar(
        select(func.count(Responsibility.id)).where(Responsibility.plan_id == plan.id, Responsibility.ad_hoc)
    )
    number = (count or 0) + 1
    taken = set(db.session.scalars(select(Responsibility.ref).where(Responsibility.plan_id == plan.id)))
    while f"{AD_HOC_PARAGRAPH}.{number}" in taken:
        number += 1
    return f"{AD_HOC_PARAGRAPH}.{number}", number


def add_ad_hoc_task(
    actor: User, plan: Plan, body: Body, title: str, due_on: date, note: str | None = None
) -> list[Task]:
    """Assign extra work to ``body`` (each member, for a group) due on ``due_on``.

    It becomes a responsibility of its own marked ad hoc, so its tasks live, list and report
    like every other task. The caller commits.
    """
    require(actor.edits_all_progress)
    title = (title or "").strip()
    if not title:
        raise InputError(gettext("Describe the task."), "title")
    if not plan.period_start <= due_on.year <= plan.period_end + 1:
        raise InputError(
            gettext(
                "The due date must fall between %(start)d and %(end)d.",
                start=plan.period_start,
                end=plan.period_end + 1,
            ),
            "due_on",
        )
    if body.jurisdiction != plan.jurisdiction:
        raise InputError(gettext("This body does not take part in the plan."), "body")
    if body.is_group and not body.members:
        raise InputError(gettext("This group has no member units yet."), "body")
    ref, number = _next_ad_hoc_ref(plan)
    responsibility = Responsibility(
        plan_id=plan.id,
        ref=ref,
        paragraph=AD_HOC_PARAGRAPH,
        position=100_000 + number,
        text=title,
        schedule={"kind": "date", "due_on": due_on.isoformat()},
        ad_hoc=True,
        body_roles=[ResponsibilityBody(role=ASSIGNEE, body=body, position=0)],
    )
    db.session.add(responsibility)
    db.session.flush()
    sync_tasks(plan)
    tasks = list(db.session.scalars(select(Task).where(Task.responsibility_id == responsibility.id)))
    now = utcnow()
    for task in tasks:
        db.session.add(
            TaskEvent(task=task, user_id=actor.id, at=now, kind=TaskEventKind.ASSIGNED, note=note or None)
        )
    audit.record(
        audit.AD_HOC_TASK,
        actor=actor,
        subject=responsibility,
        summary=f"{ref} → {body.name}, {due_on.isoformat()}: {title}",
        details={"plan_id": plan.id, "body": body.key, "due_on": due_on.isoformat(), "tasks": len(tasks)},
    )
    return tasks


def extend_deadline(actor: User, task: Task, new_deadline: date, reason: str) -> TaskEvent:
    """Move ``task``'s deadline to ``new_deadline``, keeping the original due date (on-time is
    still measured against it) and recording the extension in the history. The caller commits."""
    require(actor.edits_all_progress)
    reason = (reason or "").strip()
    if task.is_closed:
        raise InputError(gettext("This task was closed when its body was retired."))
    if not task.is_open:
        raise InputError(gettext("The task is already done."))
    if not reason:
        raise InputError(gettext("Give the reason for the extension."), "reason")
    if new_deadline <= task.due_on:
        raise InputError(gettext("The new deadline must be after the original due date."), "deadline")
    if new_deadline == task.deadline:
        raise InputError(gettext("This is already the deadline."), "deadline")
    previous = task.deadline
    task.extended_due_on = new_deadline
    task.updated_at = utcnow()
    details = {
        "from": previous.isoformat(),
        "to": new_deadline.isoformat(),
        "due_on": task.due_on.isoformat(),
    }
    event = TaskEvent(
        task=task,
        user_id=actor.id,
        at=task.updated_at,
        kind=TaskEventKind.EXTENSION,
        note=reason,
        details=details,
    )
    db.session.add(event)
    audit.record(
        audit.DEADLINE_EXTENDED,
        actor=actor,
        subject=task,
        summary=f"{task.audit_label}: {previous.isoformat()} → {new_deadline.isoformat()} ({reason})",
        details={**details, "reason": reason},
    )
    return event
