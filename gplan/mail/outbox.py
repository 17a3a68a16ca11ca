"""The outbox as the admin and the coordinator see it: what was sent, to whom, and what is stuck."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS, MailState
from gplan.models import MailMessage, Reminder, Task

PER_PAGE = 50


@dataclass
class OutboxPage:
    messages: list[MailMessage]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def content_visible(message: MailMessage) -> bool:
    return message.kind not in ACCOUNT_MAIL_KINDS


def outbox_page(status: str | None, search: str | None, page: int) -> OutboxPage:
    """Newest first, filtered by status and by a piece of the address or subject."""
    query = select(MailMessage)
    if status in MailState.values():
        query = query.where(MailMessage.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(MailMessage.recipient).like(pattern), func.lower(MailMessage.subject).like(pattern)
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    messages = db.session.scalars(
        query.order_by(MailMessage.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    )
    counts = dict.fromkeys(MailState, 0)
    by_status = select(MailMessage.status, func.count()).group_by(MailMessage.status)
    counts.update(db.session.execute(by_status).tuples().all())
    return OutboxPage(list(messages), total, page, pages, counts)


def reminders_of(message: MailMessage) -> list[Reminder]:
    """The reminders this message carried, with their tasks."""
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.message_id == message.id)
            .options(
                selectinload(Reminder.task).selectinload(Task.responsibility),
                selectinload(Reminder.task).selectinload(Task.body),
            )
            .order_by(Reminder.on_date, Reminder.task_id, Reminder.kind)
        )
    )
