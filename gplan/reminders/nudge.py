"""The coordinator's nudge: a reminder to one body now, with an optional note, recorded."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from gplan.accounts.access import require
from gplan.accounts.vocabulary import Role
from gplan.collation import by_name
from gplan.extensions import db
from gplan.mail.delivery import insert_ignoring_duplicates, queue_mail
from gplan.mail.vocabulary import MailKind
from gplan.models import Body, Nudge, Plan, Reminder, Task, User
from gplan.public_address import external_url
from gplan.reminders.digest import dedupe_key
from gplan.reminders.planner import Recipient
from gplan.reminders.vocabulary import ReminderKind
from gplan.tasks.vocabulary import TaskProgress
from gplan.timeutil import utcnow
from gplan.validation import InputError

NOTE_MAX = 1000


def may_nudge(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.COORDINATOR)


def outstanding_tasks(plan: Plan, body: Body, today: date) -> list[Task]:
    """The body's open tasks worth a nudge: overdue, due within the "due soon" days, or in a
    window that is open now."""
    soon = today + timedelta(days=current_app.config["DUE_SOON_DAYS"])
    return list(
        db.session.scalars(
            select(Task)
            .where(
                Task.plan_id == plan.id,
                Task.body_id == body.id,
                Task.is_open,
                Task.progress != TaskProgress.SUBMITTED,  # the coordinator's turn, not the body's
                or_(Task.deadline <= soon, and_(Task.starts_on <= today, Task.ends_on >= today)),
            )
            .options(selectinload(Task.responsibility))
            .order_by(Task.deadline, Task.id)
        )
    )


def body_recipients(body: Body) -> list[Recipient]:
    """The body's focal points (its enabled users), else its contact address."""
    users = by_name(
        db.session.scalars(select(User).where(User.body_id == body.id, User.is_enabled.is_(True))),
        lambda u: u.name,
    )
    people = [Recipient(u.email.lower(), u.name, u.locale or "vi", u.id) for u in users]
    if not people and body.contact_email:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
        people = [Recipient(body.contact_email.strip().lower(), body.name, locale, None, body.name)]
    return people


def nudges_of(body: Body, limit: int = 20) -> list[Nudge]:
    return list(
        db.session.scalars(
            select(Nudge)
            .where(Nudge.body_id == body.id)
            .options(selectinload(Nudge.by_user))
            .order_by(Nudge.at.desc())
            .limit(limit)
        )
    )


def nudges_on(day: date) -> dict[int, Nudge]:
    """The nudges sent on ``day``, by body: a body nudged that day is not offered another."""
    nudges = db.session.scalars(
        select(Nudge).where(Nudge.on_date == day).options(selectinload(Nudge.by_user))
    )
    return {nudge.body_id: nudge for nudge in nudges}


def nudge_body(
    plan: Plan, body: Body, by_user: User, note: str | None, today: date
) -> tuple[Nudge, list[int]]:
    """Mail ``body``'s focal points now about its outstanding tasks, and record it.

    One nudge per body per day. Returns the nudge and the queued message ids, to deliver after
    the caller commits.
    """
    require(may_nudge(by_user))
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise InputError(gettext("The note is too long (at most %(n)d characters).", n=NOTE_MAX))
    if db.session.scalar(select(Nudge.id).where(Nudge.body_id == body.id, Nudge.on_date == today)):
        raise InputError(gettext("This body was already nudged today. One nudge a day is enough."))
    tasks = outstanding_tasks(plan, body, today)
    if not tasks:
        raise InputError(
            gettext("This body has nothing overdue or due soon: there is nothing to nudge about.")
        )
    recipients = body_recipients(body)
    if not recipients:
        raise InputError(
            gettext("This body has no focal point and no contact address yet: there is no one to write to.")
        )
    nudge = Nudge(
        plan_id=plan.id,
        body_id=body.id,
        by_user_id=by_user.id,
        at=utcnow(),
        on_date=today,
        note=note,
        recipients=", ".join(r.email for r in recipients),
        task_count=len(tasks),
    )
    try:
        with db.session.begin_nested():
            db.session.add(nudge)
    except IntegrityError:
        raise InputError(gettext("This body was already nudged today. One nudge a day is enough."))
    message_ids = [_queue(nudge, person, body, by_user, tasks, today) for person in recipients]
    return nudge, message_ids


def _queue(nudge: Nudge, person: Recipient, body: Body, by_user: User, tasks: list[Task], today: date) -> int:
    with force_locale(person.locale):
        context = {
            "recipient": person,
            "body": body,
            "sender": by_user,
            "note": nudge.note,
            "tasks": tasks,
            "today": today,
            "task_url": lambda task: external_url("focal.task", task_id=task.id),
            "profile_url": external_url("reminders.profile"),
        }
        text = render_template("reminders/email/nudge.txt", **context)
        html = render_template("reminders/email/nudge.html", **context)
        subject = ngettext(
            "[gplan] %(sender)s asks you to act on %(num)d task",
            "[gplan] %(sender)s asks you to act on %(num)d tasks",
            len(tasks),
            sender=by_user.name,
        )
    message = queue_mail(
        kind=MailKind.NUDGE,
        recipient=person.email,
        subject=subject,
        text=text,
        html=html,
        dedupe_key=dedupe_key("nudge", str(nudge.id), person.email),
    )
    assert message is not None  # the key holds this new nudge's id: it cannot be queued already
    now = utcnow()
    db.session.execute(
        insert_ignoring_duplicates(Reminder, ["task_id", "recipient", "kind", "on_date"]),
        [
            {
                "task_id": task.id,
                "recipient": person.email,
                "kind": ReminderKind.NUDGE,
                "on_date": today,
                "message_id": message.id,
                "created_at": now,
            }
            for task in tasks
        ],
    )
    return message.id
