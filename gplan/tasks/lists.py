"""The tasks behind a number: filtered, paged task lists across bodies, and the overdue list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS
from gplan.models import Body, MailMessage, Plan, Responsibility, ResponsibilityBody, Task, TaskEvent, User
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.models.task import status_expression
from gplan.tasks.vocabulary import TaskStatus

PER_PAGE = 100


@dataclass
class TaskQuery:
    """What a coordinator's task list is narrowed to; every field is optional."""

    body_id: int | None = None
    year: int | None = None
    objective_id: int | None = None
    activity_id: int | None = None
    responsibility_id: int | None = None
    status: str | None = None
    unlinked: str | None = None  # "objective" or "activity": duties serving none of them

    def as_args(self) -> dict[str, object]:
        return {
            "body": self.body_id,
            "year": self.year,
            "objective": self.objective_id,
            "activity": self.activity_id,
            "responsibility": self.responsibility_id,
            "status": self.status,
            "unlinked": self.unlinked,
        }


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _filtered(plan: Plan, today: date, query: TaskQuery) -> Select:
    statement = select(Task).where(Task.plan_id == plan.id)
    if query.body_id:
        statement = statement.where(Task.body_id == query.body_id)
    if query.year:
        statement = statement.where(Task.year == query.year)
    if query.responsibility_id:
        statement = statement.where(Task.responsibility_id == query.responsibility_id)
    if query.objective_id:
        statement = statement.where(
            Task.responsibility_id.in_(
                select(responsibility_objective.c.responsibility_id).where(
                    responsibility_objective.c.objective_id == query.objective_id
                )
            )
        )
    if query.activity_id:
        statement = statement.where(
            Task.responsibility_id.in_(
                select(responsibility_activity.c.responsibility_id).where(
                    responsibility_activity.c.activity_id == query.activity_id
                )
            )
        )
    if query.unlinked:
        link = responsibility_objective if query.unlinked == "objective" else responsibility_activity
        statement = statement.where(Task.responsibility_id.not_in(select(link.c.responsibility_id)))
    if query.status:
        statement = statement.where(status_expression(today) == query.status)
    return statement


def _list_options():
    return (
        selectinload(Task.body),
        selectinload(Task.responsibility)
        .selectinload(Responsibility.body_roles)
        .selectinload(ResponsibilityBody.body),
    )


def find_tasks(plan: Plan, today: date, query: TaskQuery, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the plan's tasks matching ``query``: overdue-most first, then by deadline."""
    statement = _filtered(plan, today, query)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = db.session.scalars(
        statement.options(*_list_options())
        .order_by(Task.deadline, Task.body_id, Task.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(items), page, per_page, total)


def overdue_tasks(plan: Plan, today: date, year: int | None = None, page: int = 1) -> Page:
    """Every task past its deadline and not done, the longest overdue first."""
    return find_tasks(plan, today, TaskQuery(year=year, status=TaskStatus.OVERDUE), page)


def all_tasks(plan: Plan, today: date, query: TaskQuery) -> list[Task]:
    """Every task matching ``query`` in the list's order, for exports (no paging)."""
    statement = _filtered(plan, today, query).options(*_list_options())
    return list(db.session.scalars(statement.order_by(Task.deadline, Task.body_id, Task.id)))


def body_tasks_with_history(plan: Plan, body: Body, year: int | None = None) -> list[Task]:
    """A body's tasks with their history loaded, for the drill-down (two or three queries)."""
    statement = select(Task).where(Task.plan_id == plan.id, Task.body_id == body.id)
    if year:
        statement = statement.where(Task.year == year)
    statement = statement.options(
        selectinload(Task.responsibility),
        selectinload(Task.events).selectinload(TaskEvent.user),
    ).order_by(Task.due_on, Task.id)
    return list(db.session.scalars(statement))


@dataclass
class LastMail:
    """The latest message the outbox holds for one of a body's recipients."""

    kind: str
    recipient: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    subject: str

    @property
    def at(self) -> datetime:
        return self.sent_at or self.created_at


@dataclass
class BodyContacts:
    emails: dict[int, list[str]] = field(default_factory=dict)
    last_mail: dict[int, LastMail] = field(default_factory=dict)


def body_contacts(body_ids: set[int]) -> BodyContacts:
    """The bodies' focal points and contact addresses, and the last non-account mail queued to
    any of them (two queries, whatever the number of bodies)."""
    result = BodyContacts()
    if not body_ids:
        return result
    owners: dict[str, set[int]] = {}
    people = db.session.execute(
        select(User.body_id, User.email).where(
            User.body_id.in_(body_ids), User.role == Role.FOCAL_POINT, User.is_enabled.is_(True)
        )
    )
    contacts = db.session.execute(
        select(Body.id, Body.contact_email).where(Body.id.in_(body_ids), Body.contact_email.is_not(None))
    )
    for body_id, email in [*people, *contacts]:
        result.emails.setdefault(body_id, [])
        if email not in result.emails[body_id]:
            result.emails[body_id].append(email)
        owners.setdefault(email.lower(), set()).add(body_id)
    if not owners:
        return result
    latest = (
        select(func.max(MailMessage.id))
        .where(func.lower(MailMessage.recipient).in_(owners), MailMessage.kind.not_in(ACCOUNT_MAIL_KINDS))
        .group_by(func.lower(MailMessage.recipient))
    )
    for message in db.session.scalars(select(MailMessage).where(MailMessage.id.in_(latest))):
        mail = LastMail(
            message.kind,
            message.recipient,
            message.status,
            message.created_at,
            message.sent_at,
            message.subject,
        )
        for body_id in owners.get(message.recipient.lower(), ()):
            known = result.last_mail.get(body_id)
            if known is None or mail.created_at > known.created_at:
                result.last_mail[body_id] = mail
    return result
