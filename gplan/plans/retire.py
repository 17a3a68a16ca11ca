"""Retiring a body abolished or merged in a reform: its open tasks go to the body that takes
its work over, or are closed with the reason; it gets no new tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import select

from gplan.accounts.access import require
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import AuditEntry, Body, Task, TaskEvent, User
from gplan.ops import audit
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress
from gplan.timeutil import utcnow
from gplan.validation import InputError


@dataclass
class RetireResult:
    moved: int = 0
    closed: list[dict[str, object]] = field(default_factory=list)


@dataclass
class RetirePlan:
    """What retiring a body would do to its open tasks: those moved to the successor, and those
    closed (all of them without a successor; with one, those it holds already)."""

    moving: list[Task] = field(default_factory=list)
    closing: list[Task] = field(default_factory=list)
    duplicates: set[int] = field(default_factory=set)  # ids of closing tasks the successor holds

    def overdue_on(self, day: date) -> int:
        """How many of the tasks to close are past their deadline on ``day``, the retirement
        day: they will show as closed when overdue and still count as not done."""
        return sum(1 for task in self.closing if task.deadline < day)


def _snapshot(task: Task) -> dict[str, object]:
    """What the audit entry names of a closed task (the task itself stays, closed)."""
    return {
        "task": task.id,
        "plan": task.plan_id,
        "duty": task.responsibility.ref,
        "body": task.body.key,
        "occurrence": task.occurrence,
        "due_on": task.due_on.isoformat(),
        "progress": str(task.progress),
        "note": task.note,
        "duplicate": task.closed_as_duplicate,
    }


def plan_retirement(body: Body, successor: Body | None = None) -> RetirePlan:
    """Which of ``body``'s (and its members') open tasks retiring it would move to
    ``successor`` and which it would close; changes nothing (the admin's page shows it first)."""
    ids = [b.id for b in (body, *body.members)]
    open_tasks = db.session.scalars(
        select(Task).where(Task.body_id.in_(ids), Task.is_open).order_by(Task.id)
    ).all()
    taken: set[tuple[int, str]] = set()
    if successor is not None:
        taken = set(
            db.session.execute(
                select(Task.responsibility_id, Task.occurrence).where(Task.body_id == successor.id)
            ).tuples()
        )
    plan = RetirePlan()
    for task in open_tasks:
        key = (task.responsibility_id, task.occurrence)
        if successor is None:
            plan.closing.append(task)
        elif key in taken:
            plan.closing.append(task)
            plan.duplicates.add(task.id)
        else:
            taken.add(key)
            plan.moving.append(task)
    return plan


def _move(task: Task, actor: User, reason: str, successor: Body | None, now: datetime) -> None:
    """Hand ``task`` to ``successor`` with its history and a note saying why."""
    if successor is None:  # plan_retirement moves nothing without one
        return
    db.session.add(
        TaskEvent(
            task=task,
            user_id=actor.id,
            at=now,
            kind=TaskEventKind.MOVED,
            note=reason,
            details={"from": task.body.key, "to": successor.key},
        )
    )
    task.body, task.updated_at = successor, now


def _close(
    task: Task, actor: User, on: date, reason: str, duplicate: bool, successor: Body | None, now: datetime
) -> None:
    """Close ``task``: kept, visibly closed from ``on`` with the reason, in every list; no
    longer open, counted, reminded or changed."""
    db.session.add(
        TaskEvent(
            task=task,
            user_id=actor.id,
            at=now,
            kind=TaskEventKind.CLOSED,
            from_progress=task.progress,
            to_progress=TaskProgress.CLOSED,
            note=reason,
            details={
                "body": task.body.key,
                "duplicate_of": successor.key if duplicate and successor else None,
            },
        )
    )
    task.progress, task.closed_on, task.closed_reason = TaskProgress.CLOSED, on, reason
    task.closed_as_duplicate, task.updated_at = duplicate, now


def retire_body(
    actor: User, body: Body, on: date, reason: str, successor: Body | None = None
) -> RetireResult:
    """Retire ``body`` (a group: with all its member units) from ``on``.

    Each of its open tasks goes to ``successor`` with its history and a note saying why, or is
    closed from ``on`` with the reason when there is no successor or the successor has that
    task already (:func:`plan_retirement`); a closed task stays, shown closed, and its history
    says so. Done tasks stay with the body, for the reports of the years it worked. The caller
    commits.
    """
    require(actor.role == Role.ADMIN)
    reason = (reason or "").strip()
    if body.retired_on is not None:
        raise InputError(gettext("This body is retired already."))
    if not reason:
        raise InputError(gettext("Give the reason, e.g. the decision that abolished it."), "reason")
    retiring = [body, *body.members]
    if successor is not None and successor.is_placeholder:
        raise InputError(
            gettext(
                "“%(name)s” names no body in particular: choose the body that takes the work over.",
                name=successor.name,
            ),
            "successor",
        )
    if successor is not None and (
        successor in retiring
        or successor.is_group
        or successor.retired_on is not None
        or successor.jurisdiction != body.jurisdiction
    ):
        raise InputError(gettext("Choose a body that is not retired and is not a group."), "successor")
    result = RetireResult()
    now = utcnow()
    planned = plan_retirement(body, successor)
    for task in planned.moving:
        _move(task, actor, reason, successor, now)
        result.moved += 1
    for task in planned.closing:
        _close(task, actor, on, reason, task.id in planned.duplicates, successor, now)
        result.closed.append(_snapshot(task))
    for retired in retiring:
        retired.retired_on = on
    db.session.flush()
    audit.record(
        audit.BODY_RETIRED,
        actor=actor,
        subject=body,
        summary=f"{body.key} ({on.isoformat()}): {result.moved} moved"
        + (f" → {successor.key}" if successor else "")
        + f", {len(result.closed)} closed. {reason}",
        details={
            "on": on.isoformat(),
            "reason": reason,
            "members": [b.key for b in retiring[1:]],
            "successor": successor.key if successor else None,
            "moved": result.moved,
            "closed": result.closed,
        },
    )
    return result


def retirement_result(body: Body) -> RetireResult | None:
    """What retiring ``body`` did to its open tasks, as its audit entry recorded it; None when
    it was not retired through :func:`retire_body`."""
    entry = db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == audit.BODY_RETIRED,
            AuditEntry.subject_type == Body.__name__,
            AuditEntry.subject_id == body.id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None or not entry.details:
        return None
    return RetireResult(int(entry.details.get("moved") or 0), list(entry.details.get("closed") or []))
