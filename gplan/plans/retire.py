"""Retiring a body abolished or merged in a reform: its open tasks go to the body that takes
its work over, or are closed with the reason; it gets no new tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from gplan.accounts.access import require
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Task, TaskEvent, User
from gplan.ops import audit
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress
from gplan.timeutil import utcnow
from gplan.validation import InputError


@dataclass
class RetireResult:
    moved: int = 0
    closed: list[dict[str, object]] = field(default_factory=list)


def _snapshot(task: Task) -> dict[str, object]:
    """What is kept of a closed task: the audit entry is its record."""
    return {
        "task": task.id,
        "plan": task.plan_id,
        "duty": task.responsibility.ref,
        "body": task.body.key,
        "occurrence": task.occurrence,
        "due_on": task.due_on.isoformat(),
        "progress": str(task.progress),
        "note": task.note,
        "evidence_url": task.evidence_url,
        "evidence_name": task.evidence_name,
    }


def retire_body(
    actor: User, body: Body, on: date, reason: str, successor: Body | None = None
) -> RetireResult:
    """Retire ``body`` (a group: with all its member units) from ``on``.

    Each of its open tasks goes to ``successor`` with its history and a note saying why, or is
    closed when there is no successor or the successor has that task already; a closed task is
    kept in the audit entry with the reason. Done tasks stay with the body, for the reports of
    the years it worked. The caller commits.
    """
    require(actor.role == Role.ADMIN)
    reason = (reason or "").strip()
    if body.retired_on is not None:
        raise InputError(gettext("This body is retired already."))
    if not reason:
        raise InputError(gettext("Give the reason, e.g. the decision that abolished it."), "reason")
    retiring = [body, *body.members]
    if successor is not None and (
        successor in retiring
        or successor.is_group
        or successor.retired_on is not None
        or successor.jurisdiction != body.jurisdiction
    ):
        raise InputError(gettext("Choose a body that is not retired and is not a group."), "successor")
    result = RetireResult()
    now = utcnow()
    ids = [b.id for b in retiring]
    open_tasks = db.session.scalars(
        select(Task).where(Task.body_id.in_(ids), Task.progress != TaskProgress.DONE).order_by(Task.id)
    ).all()
    taken = set()
    if successor is not None:
        taken = set(
            db.session.execute(
                select(Task.responsibility_id, Task.occurrence).where(Task.body_id == successor.id)
            ).tuples()
        )
    for task in open_tasks:
        key = (task.responsibility_id, task.occurrence)
        if successor is not None and key not in taken:
            taken.add(key)
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
            result.moved += 1
        else:
            result.closed.append(_snapshot(task))
            db.session.delete(task)
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
