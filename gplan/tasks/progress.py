"""Recording progress on tasks."""

from __future__ import annotations

from flask_babel import gettext

from gplan.accounts.access import can_change_task, require
from gplan.extensions import db
from gplan.models import Task, TaskEvent, User
from gplan.ops import audit
from gplan.tasks import evidence as evidence_files
from gplan.tasks.evidence import check_evidence_link
from gplan.tasks.review import ReviewConflict
from gplan.tasks.vocabulary import TaskEventKind, TaskProgress
from gplan.timeutil import local_today, utcnow

# What recording progress may set; submitted and returned are steps of review.
RECORDED = (TaskProgress.NOT_STARTED, TaskProgress.IN_PROGRESS, TaskProgress.DONE)


def _check_review(task: Task, progress: TaskProgress) -> None:
    """With review on, a task is done only when a coordinator accepts it; while it awaits
    review or once accepted, its progress is not recorded by hand."""
    if not task.plan.review_required:
        return
    if task.progress == TaskProgress.SUBMITTED:
        raise ReviewConflict(
            gettext("This task is awaiting review: it cannot change until a coordinator decides.")
        )
    if task.progress == TaskProgress.DONE:
        raise ReviewConflict(
            gettext("This task was accepted and is locked: only a coordinator can reopen it.")
        )
    if progress == TaskProgress.DONE:
        raise ReviewConflict(
            gettext("This plan reviews the work: submit it for review instead of marking it done.")
        )


def _discard(task: Task) -> None:
    """The task's stored file, no longer its latest evidence, is deleted once committed, unless
    a review submission still names it."""
    with db.session.no_autoflush:  # the change being recorded is not complete yet
        named = any(s.evidence_file == task.evidence_file for s in task.submissions)
    if not named:
        evidence_files.discard_after_commit(task.evidence_file)


def _audit(task: Task, user: User, progress: str, note: str | None) -> None:
    """The audit log's entry for a progress change, made with the change itself."""
    where = task.audit_label
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

    Marking done stamps today's local date (what on-time is measured by); undoing clears it,
    and the evidence given so far with it, unless new evidence comes with the change.
    ``evidence`` is a stored upload as (stored name, display name). Raises ValueError for an
    unknown state or an evidence link that is not a web address. The caller commits.
    """
    require(can_change_task(user, task))
    progress = TaskProgress(progress)  # ValueError for anything else
    if progress not in RECORDED:
        raise ValueError(f"{progress} is reached through review (gplan.tasks.review)")
    _check_review(task, progress)
    evidence_url = check_evidence_link(evidence_url)
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
    if not task.is_open and progress != TaskProgress.DONE:
        # The completion is undone: its evidence is no longer the latest (the history keeps its
        # name); a stored file nothing refers to any more is deleted once this is committed.
        _discard(task)
        task.evidence_url = task.evidence_file = task.evidence_name = None
    if evidence_url:
        task.evidence_url = details["evidence_url"] = evidence_url
    if evidence:
        if task.evidence_file != evidence[0]:
            _discard(task)
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


def next_progress_choices(task: Task) -> list[TaskProgress]:
    """What the task can move to from where it is: every other state recorded by hand; with
    review on, not done (a coordinator's acceptance) and nothing while it awaits review or is
    accepted."""
    if not task.plan.review_required:
        return [p for p in RECORDED if p != task.progress]
    if task.progress in (TaskProgress.SUBMITTED, TaskProgress.DONE):
        return []
    return [p for p in RECORDED if p not in (task.progress, TaskProgress.DONE)]
