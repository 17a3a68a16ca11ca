"""Queue mail in the outbox, then deliver it over SMTP with a timeout, retries and backoff."""

from __future__ import annotations

import contextlib
import smtplib
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from gplan.extensions import db
from gplan.mail.headers import headers_for, message_id
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage
from gplan.models.types import rows_affected
from gplan.timeutil import utcnow

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)  # default; MAIL_CLAIM_SECONDS changes it


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server cannot stall a run.

    The server settings are read from the app's configuration when connecting, and sending is
    never silently suppressed: whether to send at all is decided by ``deliver_pending``.
    """

    def __enter__(self) -> TimeoutConnection:
        self.host = self.configure_host()
        self.num_emails = 0
        return self

    def configure_host(self) -> smtplib.SMTP:
        config = current_app.config
        timeout = config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        host = smtp_class(config["MAIL_SERVER"], config.get("MAIL_PORT") or 25, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            host.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


def render_mail(template: str, locale: str, **context: Any) -> tuple[str, str]:
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
        status=MailState.PENDING,
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


def queue_mail_many(messages: list[dict[str, Any]]) -> dict[str, int]:
    """Queue many messages in one statement, each with a ``dedupe_key``; keys already in the
    outbox are skipped, whoever queued them (another run at the same moment included).

    Each dict holds ``kind``, ``recipient``, ``subject``, ``text``, ``html`` and ``dedupe_key``.
    Returns the new messages' ids by dedupe key. The caller commits.
    """
    if not messages:
        return {}
    now = utcnow()
    rows = [
        {
            "kind": m["kind"],
            "recipient": m["recipient"],
            "cc": ", ".join(m["cc"]) if m.get("cc") else None,
            "subject": m["subject"],
            "body_text": m["text"],
            "body_html": m.get("html"),
            "dedupe_key": m["dedupe_key"],
            "status": MailState.PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for m in messages
    ]
    statement = insert_ignoring_duplicates(MailMessage, ["dedupe_key"]).returning(
        MailMessage.id, MailMessage.dedupe_key
    )
    return {key: message_id for message_id, key in db.session.execute(statement, rows)}


def insert_ignoring_duplicates(model: Any, unique_columns: list[str]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the session's database (PostgreSQL or SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model).on_conflict_do_nothing(index_elements=unique_columns)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing(index_elements=unique_columns)


def _claim(message_id: int, now: datetime) -> bool:
    """Take a message for sending; False when another process holds it or it was sent."""
    claimed = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id,
            or_(
                MailMessage.status == MailState.PENDING,
                (MailMessage.status == MailState.SENDING) & (MailMessage.next_attempt_at < now),
            ),
        )
        .values(status=MailState.SENDING, next_attempt_at=now + _claim_lease())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return rows_affected(claimed) == 1


def _claim_lease() -> timedelta:
    """How long a claimed message is left to its sender before another may take it over
    (the sender may have died mid-batch)."""
    seconds = current_app.config.get("MAIL_CLAIM_SECONDS")
    return timedelta(seconds=seconds) if seconds else LEASE


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


def deliver_pending(
    now: datetime | None = None,
    limit: int = 500,
    only: list[int] | None = None,
    kinds: tuple[str, ...] | None = None,
) -> dict[str, int]:
    """Send the outbox's due messages. Marks a message sent only once the server accepted it.

    Without a configured SMTP server, due messages are kept in the in-app outbox (held).
    ``only`` restricts the run to the given message ids, ``kinds`` to those kinds of mail
    (e.g. invitations and reset links, sent more often than the rest).
    """
    now = now or utcnow()
    query = select(MailMessage.id)
    if only is not None:
        query = query.where(MailMessage.id.in_(only))
    if kinds is not None:
        query = query.where(MailMessage.kind.in_(kinds))
    due = list(
        db.session.scalars(
            query.where(
                or_(MailMessage.status == MailState.PENDING, MailMessage.status == MailState.SENDING),
                or_(
                    MailMessage.next_attempt_at.is_(None),
                    MailMessage.next_attempt_at <= now,
                ),
            )
            .order_by(MailMessage.id)
            .limit(limit)
        )
    )
    # Every write below starts its own transaction with the write itself: on SQLite a read
    # transaction that later writes fails outright if another connection committed meanwhile.
    db.session.commit()
    counts = {MailState.SENT: 0, MailState.HELD: 0, "retry": 0, MailState.FAILED: 0}
    if not current_app.config.get("MAIL_SERVER"):
        if due:
            held = db.session.execute(
                update(MailMessage)
                .where(MailMessage.id.in_(due), MailMessage.status == MailState.PENDING)
                .values(status=MailState.HELD)
                .execution_options(synchronize_session=False)
            )
            counts[MailState.HELD] = rows_affected(held)
        db.session.commit()
        return counts
    connection = None
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get_one(MailMessage, message_id)
            outgoing, attempts = _as_flask_mail(message), message.attempts + 1
            db.session.commit()
            try:
                if connection is None:
                    connection = TimeoutConnection(current_app.extensions["mail"]).__enter__()
                connection.send(outgoing)
            except (smtplib.SMTPException, OSError) as error:
                _close_quietly(connection)
                connection = None
                gave_up = attempts >= MAX_ATTEMPTS
                _record(
                    message_id,
                    attempts=attempts,
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                    status=MailState.FAILED if gave_up else MailState.PENDING,
                    next_attempt_at=None if gave_up else utcnow() + backoff(attempts),
                )
                counts[MailState.FAILED if gave_up else "retry"] += 1
            else:
                _record(
                    message_id, attempts=attempts, status=MailState.SENT, sent_at=utcnow(), last_error=None
                )
                counts[MailState.SENT] += 1
    finally:
        _close_quietly(connection)
    return counts


def _record(message_id: int, **values: Any) -> None:
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver_all(now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Run :func:`deliver_pending` until nothing due is left (a message in backoff waits)."""
    totals = {MailState.SENT: 0, MailState.HELD: 0, "retry": 0, MailState.FAILED: 0}
    while True:
        counts = deliver_pending(now=now, limit=batch)
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < batch:
            return totals


def requeue(message_ids: list[int]) -> int:
    """Put held or failed messages back in the queue, to be sent on the next delivery.

    Returns how many were requeued. The caller commits.
    """
    result = db.session.execute(
        update(MailMessage)
        .where(MailMessage.id.in_(message_ids), MailMessage.status.in_((MailState.HELD, MailState.FAILED)))
        .values(status=MailState.PENDING, next_attempt_at=None, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result)


def _close_quietly(connection: Any) -> None:
    if connection is not None and connection.host is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.host.quit()


def _as_flask_mail(message: MailMessage) -> Message:
    outgoing = Message(
        subject=message.subject,
        recipients=[message.recipient],
        cc=[address.strip() for address in (message.cc or "").split(",") if address.strip()],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers_for(message),
    )
    outgoing.msgId = message_id(message)
    return outgoing
