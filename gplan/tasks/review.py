"""Review of a task's work (on when ``Plan.review_required``): a focal point of the task's body
submits what it did (a narrative, evidence, the year's figures of the targets the body reports),
a coordinator accepts it (the task is done and locked) or returns it with a reason (the body
works on and submits again); only a coordinator reopens an accepted task, with a reason.

Every step is checked here, audited and added to the task's history, whichever door it came
through (the task page, the review queue, the API). The caller commits; a step that does not
fit where the task stands raises :class:`ReviewConflict` and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from gplan.accounts.access import can_view_task, require
from gplan.extensions import db
from gplan.models import Target, TargetValue, Task, TaskEvent, TaskSubmission, User
from gplan.models.plan import responsibility_objective
from gplan.ops import audit
from gplan.reporting.actuals import record_actual
from gplan.reporting.figures import parse_figure
from gplan.tasks.comments import add_comment
from gplan.tasks.evidence import check_evidence_link
from gplan.tasks.review_mail import tell_body
from gplan.tasks.vocabulary import SubmissionState, TaskEventKind, TaskProgress
from gplan.timeutil import local_today, utcnow
from gplan.validation import Conflict, InputError


class ReviewConflict(Conflict):
    """The step does not fit where the task stands now (locked, already decided, nothing
    waiting, changed since it was read). ``message`` says so, for the user (translated)."""


def can_submit(user: User, task: Task) -> bool:
    """Only the focal points of the task's own body submit its work, while it is not closed."""
    return user.is_focal_point and user.body_id == task.body_id and not task.is_closed


def can_review(user: User, task: Task) -> bool:
    """Coordinators and administrators accept, return and reopen."""
    return user.edits_all_progress and can_view_task(user, task)


def waiting_submission(task: Task) -> TaskSubmission | None:
    """The submission awaiting the coordinator, if the task is submitted."""
    if task.progress != TaskProgress.SUBMITTED:
        return None
    return next((s for s in task.submissions if s.state == SubmissionState.WAITING), None)


def figure_slots(task: Task) -> list[TargetValue]:
    """The target values whose figures the task calls for: those of the targets the task's body
    reports, under the objectives its duty serves."""
    query = (
        select(TargetValue)
        .join(Target)
        .join(responsibility_objective, responsibility_objective.c.objective_id == Target.objective_id)
        .where(
            responsibility_objective.c.responsibility_id == task.responsibility_id,
            Target.owner_body_id == task.body_id,
        )
        .order_by(Target.objective_id, Target.number, TargetValue.position)
    )
    return list(db.session.scalars(query).unique())


def figure_values(task: Task) -> dict[int, TargetValue]:
    """The target values named by the task's submissions' figures, by id (for showing them)."""
    ids = {figure["target_value_id"] for s in task.submissions for figure in s.figures or []}
    if not ids:
        return {}
    return {
        value.id: value for value in db.session.scalars(select(TargetValue).where(TargetValue.id.in_(ids)))
    }


def _take_turns(task: Task) -> None:
    """Steps on one task take turns: a row lock until the caller commits (PostgreSQL; SQLite's
    writers already take turns), and the task read again as the previous step left it, so the
    second of two coordinators deciding at once is told it was decided (never a deadlock)."""
    db.session.flush()  # what this transaction already changed is kept, not read over
    # Only the task's row: the page's loader may have joined its plan, duty and body, and
    # PostgreSQL locks no row on the nullable side of an outer join.
    db.session.refresh(task, with_for_update={"of": Task})


def _check_version(task: Task, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != task.version:
        raise ReviewConflict(gettext("The task was changed since you read it: read it again."))


def _figures(task: Task, figures: dict[int, Any] | None) -> list[dict[str, Any]]:
    """The figures given, checked: numbers, for the target values the task calls for."""
    slots = {value.id for value in figure_slots(task)}
    checked, problems = [], {}
    for value_id, raw in (figures or {}).items():
        field = f"figure_{value_id}"
        if value_id not in slots:
            problems[field] = gettext("This task does not report this figure.")
            continue
        try:
            number = parse_figure(raw, field)
        except InputError as error:
            problems[field] = error.message
            continue
        if number is not None:
            checked.append({"target_value_id": value_id, "value": format(number.normalize(), "f")})
    if problems:
        raise InputError(next(iter(problems.values())), fields=problems)
    return checked


def _record(
    task: Task, user: User, kind: TaskEventKind, action: str, to: TaskProgress, note: str | None
) -> None:
    """The history entry and the audit entry of one step, then the task's new progress."""
    now = utcnow()
    where = task.audit_label
    audit.record(
        action,
        actor=user,
        subject=task,
        summary=f"{where}: {task.progress} → {to}",
        details={"from": task.progress, "to": to, "note": note},
    )
    db.session.add(
        TaskEvent(
            task=task,
            user_id=user.id,
            at=now,
            kind=kind,
            from_progress=task.progress,
            to_progress=to,
            note=note,
        )
    )
    task.progress = to
    task.updated_at = now


def submit(
    task: Task,
    user: User,
    narrative: str | None,
    evidence_url: str | None = None,
    evidence: tuple[str, str] | None = None,
    figures: dict[int, Any] | None = None,
) -> TaskSubmission:
    """Send the task's work for review on behalf of a focal point of its body.

    ``evidence`` is a stored upload as (stored name, display name); ``figures`` maps target
    value ids (of :func:`figure_slots`) to the year's figure as typed. Raises AccessDenied,
    InputError (no narrative, a bad link or figure) and ReviewConflict (review off, already
    waiting, accepted and locked).
    """
    require(can_submit(user, task))
    _take_turns(task)
    if not task.plan.review_required:
        raise ReviewConflict(gettext("This plan has no review: mark the task done instead."))
    if task.progress == TaskProgress.SUBMITTED:
        raise ReviewConflict(gettext("This task is already awaiting review."))
    if task.progress == TaskProgress.DONE:
        raise ReviewConflict(
            gettext("This task was accepted and is locked: only a coordinator can reopen it.")
        )
    narrative = (narrative or "").strip()
    problems = {}
    if not narrative:
        problems["narrative"] = gettext("Say what was done.")
    try:
        evidence_url = check_evidence_link(evidence_url)
    except ValueError as error:
        problems["evidence_url"] = str(error)
    if problems:
        raise InputError(next(iter(problems.values())), fields=problems)
    now = utcnow()
    submission = TaskSubmission(
        task=task,
        submitted_by_id=user.id,
        submitted_at=now,
        submitted_on=local_today(),
        narrative=narrative,
        evidence_url=evidence_url or None,
        evidence_file=evidence[0] if evidence else None,
        evidence_name=evidence[1] if evidence else None,
        figures=_figures(task, figures) or None,
        state=SubmissionState.WAITING,
    )
    db.session.add(submission)
    # The task shows the latest evidence sent.
    if evidence_url:
        task.evidence_url = evidence_url
    if evidence:
        task.evidence_file, task.evidence_name = evidence
    task.note = narrative
    _record(task, user, TaskEventKind.SUBMITTED, audit.TASK_SUBMITTED, TaskProgress.SUBMITTED, narrative)
    return submission


def _decide(task: Task, user: User, expected_version: int | None) -> TaskSubmission:
    require(can_review(user, task))
    _take_turns(task)
    _check_version(task, expected_version)
    submission = waiting_submission(task)
    if submission is None:
        raise ReviewConflict(gettext("Nothing is awaiting review on this task: it was decided already."))
    submission.decided_by_id, submission.decided_at = user.id, utcnow()
    return submission


def accept(task: Task, user: User, expected_version: int | None = None) -> TaskSubmission:
    """Accept the waiting submission: the task is done as of the day it was submitted (what on
    time is measured by) and locked; its figures become the year's figures. The body is told."""
    submission = _decide(task, user, expected_version)
    submission.state = SubmissionState.ACCEPTED
    for figure in submission.figures or []:
        target_value = db.session.get(TargetValue, figure["target_value_id"])
        if target_value is not None:
            record_actual(
                user,
                target_value,
                task.year,
                value=Decimal(figure["value"]),
                note=submission.narrative[:4000],
            )
    task.completed_on, task.completed_at = submission.submitted_on, submission.submitted_at
    _record(task, user, TaskEventKind.ACCEPTED, audit.SUBMISSION_ACCEPTED, TaskProgress.DONE, None)
    tell_body(task, submission, accepted=True)
    return submission


def return_submission(
    task: Task, user: User, reason: str | None, expected_version: int | None = None
) -> TaskSubmission:
    """Send the waiting submission back to the body with ``reason`` (required); the body works
    on and submits again. The body is told, and the reason opens the task's comment thread."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError(gettext("Say why the submission is returned."), "reason")
    submission = _decide(task, user, expected_version)
    submission.state, submission.reason = SubmissionState.RETURNED, reason
    _record(task, user, TaskEventKind.RETURNED, audit.SUBMISSION_RETURNED, TaskProgress.RETURNED, reason)
    tell_body(task, submission, accepted=False)
    add_comment(task, user, reason)  # the reason opens the thread the body answers in
    return submission


def reopen(task: Task, user: User, reason: str | None, expected_version: int | None = None) -> None:
    """Unlock an accepted task with ``reason`` (required): it is in progress again and no longer
    counted done; the accepted submission stays in its history."""
    require(can_review(user, task))
    reason = (reason or "").strip()
    if not reason:
        raise InputError(gettext("Say why the task is reopened."), "reason")
    _take_turns(task)
    _check_version(task, expected_version)
    if task.progress != TaskProgress.DONE:
        raise ReviewConflict(gettext("Only a task that is done can be reopened."))
    task.completed_on = task.completed_at = None
    _record(task, user, TaskEventKind.REOPENED, audit.TASK_REOPENED, TaskProgress.IN_PROGRESS, reason)
