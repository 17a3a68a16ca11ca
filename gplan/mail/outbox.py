"""The outbox as the admin and the coordinator see it: what was sent, to whom, and what is stuck."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.mail.vocabulary import ACCOUNT_MAIL_KINDS, MailState
from gplan.models import MailMessage, Reminder, Task
from gplan.paging import DEFAULT_PER_PAGE, Direction, KeysetPage, keyset_page


@dataclass
class OutboxPage:
    page: KeysetPage[MailMessage]
    counts: dict[str, int]


def content_visible(message: MailMessage) -> bool:
    return message.kind not in ACCOUNT_MAIL_KINDS


def outbox_page(
    status: str | None,
    search: str | None,
    start: tuple[Direction, int] | None = None,
    per_page: int = DEFAULT_PER_PAGE,
) -> OutboxPage:
    """Newest first, filtered by status and by a piece of the address or subject: the first
    page, or the one just older or newer than the message ``start`` names. The messages found
    are not counted, so a page costs its rows however many messages the outbox keeps; the
    counts by state are the tabs' (one GROUP BY)."""
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
    after = (start[0], (start[1],)) if start is not None else None
    messages = keyset_page(query, (MailMessage.id,), after, per_page)
    counts: dict[str, int] = dict.fromkeys(MailState, 0)
    by_status = select(MailMessage.status, func.count()).group_by(MailMessage.status)
    counts.update(db.session.execute(by_status).tuples().all())
    return OutboxPage(messages, counts)


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
