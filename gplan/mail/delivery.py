"""Queue mail in the outbox, then deliver it over SMTP with a timeout, retries and backoff.

A message is built into the bytes it is sent as when it is queued (``mail/compose.py``); it is
sent in batches (``mail/sending.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from gplan.extensions import Model, db
from gplan.mail.compose import compose
from gplan.mail.sending import claim, send_batch
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage
from gplan.models.types import rows_affected
from gplan.timeutil import utcnow


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
    """Put a message in the outbox, with the bytes it is sent as; with a ``dedupe_key`` already
    queued, add nothing.

    Returns the new message, or None when it was a duplicate. The caller commits.
    """
    message = MailMessage(
        raw=compose(kind=kind, recipient=recipient, subject=subject, text=text, html=html, cc=cc),
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

    Each dict holds ``kind``, ``recipient``, ``subject``, ``text``, ``html`` and ``dedupe_key``
    (and may hold ``cc``); the bytes each is sent as are built here. Returns the new messages'
    ids by dedupe key. The caller commits.
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
            "raw": compose(
                kind=m["kind"],
                recipient=m["recipient"],
                subject=m["subject"],
                text=m["text"],
                html=m.get("html"),
                cc=m.get("cc"),
            ),
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


def insert_ignoring_duplicates(model: type[Model], unique_columns: list[str]) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING for the session's database (PostgreSQL or SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model).on_conflict_do_nothing(index_elements=unique_columns)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing(index_elements=unique_columns)


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
    if due:  # claimed in one write, then sent over one connection (mail/sending.py)
        send_batch(claim(due, now), counts)
    return counts


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
