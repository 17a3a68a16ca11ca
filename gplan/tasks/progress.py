"""Recording progress on tasks."""

from __future__ import annotations

from gplan.accounts.access import can_change_task, require
from gplan.extensions import db
from gplan.models import Task, TaskEvent, User
from gplan.models.task import DONE, IN_PROGRESS, NOT_STARTED, PROGRESS_VALUES
from gplan.timeutil import local_today, utcnow


def record_progress(
    task: Task,
    user: User,
    progress: str,
    note: str | None = None,
    evidence_url: str | None = None,
    evidence: tuple[str, str] | None = None,
) -> TaskEvent:
    """Set ``task``'s progress on behalf of ``user`` and record the change in its history.

    Marking done stamps today's local date (what on-time is measured by); undoing clears it.
    ``evidence`` is a stored upload as (stored name, display name). The caller commits.
    """
    require(can_change_task(user, task))
    if progress not in PROGRESS_VALUES:
        raise ValueError(f"unknown progress '{progress}'")
    now = utcnow()
    event = TaskEvent(
        task=task,
        user_id=user.id,
        at=now,
        kind="progress",
        from_progress=task.progress,
        to_progress=progress,
        note=note or None,
    )
    details = {}
    if evidence_url:
        task.evidence_url = details["evidence_url"] = evidence_url
    if evidence:
        task.evidence_file, task.evidence_name = evidence
        details["evidence_name"] = evidence[1]
    event.details = details or None
    if note:
        task.note = note
    if progress == DONE and task.progress != DONE:
        task.completed_at, task.completed_on = now, local_today()
    elif progress != DONE:
        task.completed_at = task.completed_on = None
    task.progress = progress
    task.updated_at = now
    db.session.add(event)
    return event


def next_progress_choices(task: Task) -> list[str]:
    """What the task can move to from where it is: every other state."""
    return [p for p in (NOT_STARTED, IN_PROGRESS, DONE) if p != task.progress]
