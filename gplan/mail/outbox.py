"""The outbox as the admin and the coordinator see it: what was sent, to whom, and what is stuck."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.mail.delivery import SENDING
from gplan.models import MailMessage, Reminder, Task
from gplan.models.outbox import FAILED, HELD, PENDING, SENT
from gplan.models.reminder import DUE_SOON, DUE_TODAY, ESCALATION, NUDGE, OVERDUE, WINDOW
from gplan.paging import DEFAULT_PER_PAGE, Page, paginate
from gplan.reminders.digest import DIGEST_KIND

# Mail carrying a personal sign-in link: whoever reads it could take over the account.
PRIVATE_KINDS = ("invite", "reset")
STATUSES = (PENDING, SENDING, SENT, HELD, FAILED)
STATUS_LABELS = {
    PENDING: lazy_gettext("Waiting to be sent"),
    SENDING: lazy_gettext("Being sent"),
    SENT: lazy_gettext("Sent"),
    HELD: lazy_gettext("Held (no mail server)"),
    FAILED: lazy_gettext("Failed"),
}
KIND_LABELS = {
    DIGEST_KIND: lazy_gettext("Daily reminders"),
    NUDGE: lazy_gettext("Nudge"),
    "invite": lazy_gettext("Invitation"),
    "reset": lazy_gettext("Password reset"),
}
REMINDER_KIND_LABELS = {
    DUE_SOON: lazy_gettext("Before the due date"),
    DUE_TODAY: lazy_gettext("On the due date"),
    OVERDUE: lazy_gettext("Overdue"),
    WINDOW: lazy_gettext("Period opening"),
    ESCALATION: lazy_gettext("Escalated"),
    NUDGE: lazy_gettext("Nudge"),
}


@dataclass
class OutboxPage:
    page: Page[MailMessage]
    counts: dict[str, int]


def content_visible(message: MailMessage) -> bool:
    return message.kind not in PRIVATE_KINDS


def outbox_page(
    status: str | None, search: str | None, page: int, per_page: int = DEFAULT_PER_PAGE
) -> OutboxPage:
    """Newest first, filtered by status and by a piece of the address or subject."""
    query = select(MailMessage)
    if status in STATUSES:
        query = query.where(MailMessage.status == status)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(MailMessage.recipient).like(pattern), func.lower(MailMessage.subject).like(pattern)
            )
        )
    messages = paginate(query.order_by(MailMessage.id.desc()), page, per_page)
    counts = dict.fromkeys(STATUSES, 0)
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
