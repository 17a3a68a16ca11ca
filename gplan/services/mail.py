"""Queue mail in the outbox, then deliver it over SMTP with a timeout, retries and backoff."""

from __future__ import annotations

import contextlib
import smtplib
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import MailMessage
from ..models.outbox import FAILED, HELD, PENDING, SENT
from ..timeutil import utcnow

SENDING = "sending"
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server cannot stall a run."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def render_mail(template: str, locale: str, **context) -> tuple[str, str]:
    """Render ``email/<template>.txt`` and ``.html`` in the recipient's language."""
    with force_locale(locale):
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    return text, html


def queue_mail(
    *,
    kind: str,
    recipient: str,
    subject: str,
    text: str,
    html: str | None = None,
    cc: list[str] | None = None,
    dedupe_key: str | None = None,
) -> MailMessage | None:
    """Put a message in the outbox; with a ``dedupe_key`` already queued, add nothing.

    Returns the new message, or None when it was a duplicate. The caller commits.
    """
    message = MailMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        cc=", ".join(cc) if cc else None,
        dedupe_key=dedupe_key,
        status=PENDING,
        created_at=utcnow(),
    )
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def _claim(message_id: int, now: datetime) -> bool:
    """Take a message for sending; False when another process holds it or it was sent."""
    claimed = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id,
            or_(
                MailMessage.status == PENDING,
                (MailMessage.status == SENDING) & (MailMessage.next_attempt_at < now),
            ),
        )
        .values(status=SENDING, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


def deliver_pending(
    now: datetime | None = None, limit: int = 500, only: list[int] | None = None
) -> dict[str, int]:
    """Send the outbox's due messages. Marks a message sent only once the server accepted it.

    Without a configured SMTP server, due messages are kept in the in-app outbox (held).
    ``only`` restricts the run to the given message ids (e.g. an invitation just queued).
    """
    now = now or utcnow()
    query = select(MailMessage.id)
    if only is not None:
        query = query.where(MailMessage.id.in_(only))
    due = list(
        db.session.scalars(
            query.where(
                or_(MailMessage.status == PENDING, MailMessage.status == SENDING),
                or_(
                    MailMessage.next_attempt_at.is_(None),
                    MailMessage.next_attempt_at <= now,
                ),
            )
            .order_by(MailMessage.id)
            .limit(limit)
        )
    )
    counts = {SENT: 0, HELD: 0, "retry": 0, FAILED: 0}
    if not current_app.config.get("MAIL_SERVER"):
        for message_id in due:
            db.session.execute(update(MailMessage).where(MailMessage.id == message_id).values(status=HELD))
            counts[HELD] += 1
        db.session.commit()
        return counts
    connection = None
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get(MailMessage, message_id)
            try:
                if connection is None:
                    connection = TimeoutConnection(current_app.extensions["mail"]).__enter__()
                connection.send(_as_flask_mail(message))
            except (smtplib.SMTPException, OSError) as error:
                connection = _close_quietly(connection)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                gave_up = message.attempts >= MAX_ATTEMPTS
                message.status = FAILED if gave_up else PENDING
                message.next_attempt_at = None if gave_up else utcnow() + backoff(message.attempts)
                counts[FAILED if gave_up else "retry"] += 1
            else:
                message.status, message.sent_at, message.last_error = (
                    SENT,
                    utcnow(),
                    None,
                )
                message.attempts += 1
                counts[SENT] += 1
            db.session.commit()
    finally:
        _close_quietly(connection)
    return counts


def _close_quietly(connection) -> None:
    if connection is not None and connection.host is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.host.quit()
    return None


def _as_flask_mail(message: MailMessage) -> Message:
    return Message(
        subject=message.subject,
        recipients=[message.recipient],
        cc=[address.strip() for address in (message.cc or "").split(",") if address.strip()],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
