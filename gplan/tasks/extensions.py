"""Requests for a later deadline: a focal point asks, a coordinator approves or refuses.

The request and its decision are kept (``ExtensionRequest``) and written in the task's history;
an approval moves the deadline through the coordinator's own extension
(:func:`gplan.tasks.admin.extend_deadline`), so the two ways of extending behave alike. The
body is told of the decision at once, through the outbox.
"""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_ask_extension, can_decide_extension, require
from gplan.extensions import db
from gplan.mail.delivery import queue_mail
from gplan.mail.vocabulary import MailKind
from gplan.models import ExtensionRequest, Plan, Task, TaskEvent, User
from gplan.ops import audit
from gplan.paging import Page, paginate
from gplan.public_address import external_url
from gplan.tasks.admin import extend_deadline
from gplan.tasks.vocabulary import ExtensionState, TaskEventKind, TaskProgress
from gplan.templating import format_date
from gplan.timeutil import utcnow
from gplan.validation import InputError

REASON_MAX = 2000


class RequestConflict(InputError):
    """The request cannot be made or decided in the state it is in: already decided, or
    another request awaits a decision. The API answers 409; a page shows the message."""


def task_title(task: Task, locale: str) -> str:
    """The task's duty in the reader's language, where the plan gives an English title."""
    duty = task.responsibility
    return duty.title_en if locale == "en" and duty.title_en else duty.text


def _reason(text: str | None, field: str, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(missing, field)
    if len(text) > REASON_MAX:
        raise InputError(gettext("At most %(n)d characters.", n=REASON_MAX), field)
    return text


def pending_request(task: Task) -> ExtensionRequest | None:
    """The task's request awaiting a decision, if any (there is at most one)."""
    return db.session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )


def requests_of(task: Task) -> list[ExtensionRequest]:
    """Every request made on the task, newest first."""
    return list(
        db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.task_id == task.id)
            .options(selectinload(ExtensionRequest.asked_by), selectinload(ExtensionRequest.decided_by))
            .order_by(ExtensionRequest.asked_at.desc(), ExtensionRequest.id.desc())
        )
    )


def ask_extension(user: User, task: Task, asked_for: date, reason: str) -> ExtensionRequest:
    """Ask, as one of the task's body's focal points, for the deadline to move to
    ``asked_for``, giving the reason. One request per task awaits a decision at a time
    (:class:`RequestConflict` otherwise). Recorded in the history and the audit log. The
    caller commits."""
    require(can_ask_extension(user, task))
    reason = _reason(reason, "reason", gettext("Give the reason for the extension."))
    if not task.is_open:
        raise InputError(gettext("The task is already done."))
    if asked_for <= task.deadline:
        raise InputError(
            gettext("Ask for a date after the current deadline (%(date)s).", date=format_date(task.deadline)),
            "asked_for",
        )
    last_year = task.plan.period_end + 1
    if asked_for.year > last_year:
        raise InputError(
            gettext("The date must fall in %(year)d at the latest.", year=last_year), "asked_for"
        )
    if pending_request(task) is not None:
        raise RequestConflict(gettext("This task already has an extension request awaiting a decision."))
    now = utcnow()
    request = ExtensionRequest(
        task=task,
        asked_by_id=user.id,
        asked_at=now,
        deadline_then=task.deadline,
        asked_for=asked_for,
        reason=reason,
        state=ExtensionState.PENDING,
    )
    try:
        with db.session.begin_nested():  # two focal points asking at once: the unique index decides
            db.session.add(request)
    except IntegrityError:
        raise RequestConflict(
            gettext("This task already has an extension request awaiting a decision.")
        ) from None
    details = {
        "request_id": request.id,
        "deadline": task.deadline.isoformat(),
        "asked_for": asked_for.isoformat(),
    }
    db.session.add(
        TaskEvent(
            task=task,
            user_id=user.id,
            at=now,
            kind=TaskEventKind.EXTENSION_REQUESTED,
            note=reason,
            details=details,
        )
    )
    audit.record(
        audit.EXTENSION_REQUESTED,
        actor=user,
        subject=task,
        summary=f"{task.audit_label}: {task.deadline.isoformat()} → {asked_for.isoformat()} ({reason})",
        details={**details, "reason": reason},
    )
    return request


def decide_extension(
    user: User,
    request: ExtensionRequest,
    *,
    approve: bool,
    note: str | None = None,
    granted_on: date | None = None,
    version: int | None = None,
    notify: bool = True,
) -> list[int]:
    """Approve (for ``granted_on``, by default the date asked) or refuse (``note`` says why,
    required) a pending request, as a coordinator or administrator.

    An approval extends the deadline as :func:`~gplan.tasks.admin.extend_deadline` does, with
    the request named in that history entry; a refusal adds its own entry. A request already
    decided, or changed since ``version`` was read, raises :class:`RequestConflict`. With
    ``notify`` the body's focal points (else its contact address) are each mailed the decision
    in their language; returns those outbox ids, to deliver once the caller has committed.
    """
    require(can_decide_extension(user))
    # Two coordinators at once: the second waits here for the first, then finds it decided.
    db.session.refresh(request, with_for_update=True)
    if not request.is_pending:
        who = request.decided_by.name if request.decided_by else gettext("someone else")
        raise RequestConflict(
            gettext(
                "This request was already decided (%(state)s) by %(name)s.",
                state=request.state.title,
                name=who,
            )
        )
    if version is not None and version != request.version:
        raise RequestConflict(gettext("This request changed since you opened it: reload the page."))
    task = request.task
    now = utcnow()
    if approve:
        granted = granted_on or request.asked_for
        note = (note or "").strip() or None
        event = extend_deadline(user, task, granted, note or request.reason)
        event.details = {
            **(event.details or {}),
            "request_id": request.id,
            "asked_for": request.asked_for.isoformat(),
        }
        request.state, request.granted_on = ExtensionState.APPROVED, granted
    else:
        note = _reason(note, "decision_note", gettext("Give the reason for refusing."))
        db.session.add(
            TaskEvent(
                task=task,
                user_id=user.id,
                at=now,
                kind=TaskEventKind.EXTENSION_REFUSED,
                note=note,
                details={"request_id": request.id, "asked_for": request.asked_for.isoformat()},
            )
        )
        request.state = ExtensionState.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = user.id, now, note
    audit.record(
        audit.EXTENSION_DECIDED,
        actor=user,
        subject=task,
        # No English word in the summary (the audit page shows it as written): ✓ approved, ✗ refused.
        summary=f"{task.audit_label}: {'✓' if request.granted_on else '✗'} {request.asked_for.isoformat()}"
        + (f" → {request.granted_on.isoformat()}" if request.granted_on else "")
        + (f" ({note})" if note else ""),
        details={
            "request_id": request.id,
            "state": request.state,
            "asked_for": request.asked_for.isoformat(),
            "granted_on": request.granted_on.isoformat() if request.granted_on else None,
            "note": note,
        },
    )
    db.session.flush()
    return _notify(request, user) if notify else []


def _notify(request: ExtensionRequest, decided_by: User) -> list[int]:
    """One message to each of the body's people, in their own language."""
    from gplan.reminders.nudge import body_recipients  # the body's people, as a nudge reaches them

    ids = []
    task = request.task
    for person in body_recipients(task.body):
        with force_locale(person.locale):
            context = {
                "recipient": person,
                "request": request,
                "task": task,
                "title": task_title(task, person.locale),
                "decided_by": decided_by,
                "task_url": external_url("focal.task", task_id=task.id),
            }
            text = render_template("email/extension_decided.txt", **context)
            html = render_template("email/extension_decided.html", **context)
            if request.state == ExtensionState.APPROVED:
                subject = gettext(
                    "[gplan] Extension approved: %(ref)s, new deadline %(date)s",
                    ref=task.responsibility.ref,
                    date=format_date(request.granted_on),
                )
            else:
                subject = gettext("[gplan] Extension refused: %(ref)s", ref=task.responsibility.ref)
        message = queue_mail(
            kind=MailKind.EXTENSION_DECIDED, recipient=person.email, subject=subject, text=text, html=html
        )
        assert message is not None  # queued without a dedupe key
        ids.append(message.id)
    return ids


# A closed task's pending request waits for nobody: its body was retired.
_NOT_CLOSED = Task.progress != TaskProgress.CLOSED


def pending_requests_query(plan: Plan, body_ids: set[int] | None = None) -> Select[tuple[ExtensionRequest]]:
    """The plan's requests awaiting a decision, oldest first (``body_ids``: only theirs)."""
    query = (
        select(ExtensionRequest)
        .join(Task, Task.id == ExtensionRequest.task_id)
        .where(Task.plan_id == plan.id, ExtensionRequest.state == ExtensionState.PENDING, _NOT_CLOSED)
        .options(
            selectinload(ExtensionRequest.task).selectinload(Task.responsibility),
            selectinload(ExtensionRequest.task).selectinload(Task.body),
            selectinload(ExtensionRequest.asked_by),
        )
        .order_by(ExtensionRequest.asked_at, ExtensionRequest.id)
    )
    if body_ids is not None:
        query = query.where(Task.body_id.in_(body_ids))
    return query


def pending_requests(
    plan: Plan, page: int, per_page: int, body_ids: set[int] | None = None
) -> Page[ExtensionRequest]:
    """A page of :func:`pending_requests_query`."""
    return paginate(pending_requests_query(plan, body_ids), page, per_page)


def pending_count(plan: Plan) -> int:
    """How many of the plan's requests await a decision."""
    query = (
        select(func.count(ExtensionRequest.id))
        .join(Task, Task.id == ExtensionRequest.task_id)
        .where(Task.plan_id == plan.id, ExtensionRequest.state == ExtensionState.PENDING, _NOT_CLOSED)
    )
    return db.session.scalar(query) or 0
