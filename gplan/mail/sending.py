"""One batch of the outbox: claimed in one write, sent over one SMTP connection.

Each message the server accepts is marked sent at once, in its own small write: marking a
batch's messages sent together would, were the sender killed before that write, send them
all again. These marks wait for no disk flush (:func:`sent_marks`), which is what made a
write per message costly. Failures are written together at the end of the batch (or when the
sender stops), since a failure not written is only a message whose claim expires and is
tried again.
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Row, and_, bindparam, or_, update

from gplan.extensions import db
from gplan.mail.compose import cc_list, compose, envelope, with_message_id
from gplan.mail.headers import message_id
from gplan.mail.vocabulary import MailState
from gplan.models import MailMessage
from gplan.timeutil import utcnow

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)  # default; MAIL_CLAIM_SECONDS changes it
# The server refused this one message; the connection goes on with the next.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def connect() -> smtplib.SMTP:
    """A connection to the configured server with a socket timeout (``MAIL_TIMEOUT``), so a hung
    server cannot stall a run. Whether to send at all is decided by ``deliver_pending``."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    host = smtp_class(config["MAIL_SERVER"], config.get("MAIL_PORT") or 25, timeout=config["MAIL_TIMEOUT"])
    if config.get("MAIL_USE_TLS"):
        host.starttls()
    if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
        host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return host


def claim_lease() -> timedelta:
    """How long a claimed message is left to its sender before another may take it over
    (the sender may have died mid-batch)."""
    seconds = current_app.config.get("MAIL_CLAIM_SECONDS")
    return timedelta(seconds=seconds) if seconds else LEASE


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


@dataclass
class Batch:
    """Messages this sender holds until ``expires``; the expiry is also the claim's token, so
    a renewal keeps only what nobody took over meanwhile."""

    rows: list[Row[Any]]
    expires: datetime
    lease: timedelta
    renewed: float = field(default_factory=time.monotonic)
    lost: set[int] = field(default_factory=set)

    def renew_if_due(self, waiting: list[Row[Any]]) -> None:
        """Past half the lease, extend it for the messages still to send (one write)."""
        if time.monotonic() - self.renewed < self.lease.total_seconds() / 2:
            return
        expires = utcnow() + self.lease
        ids = [row.id for row in waiting if row.id not in self.lost]
        kept = set(
            db.session.scalars(
                update(MailMessage)
                .where(
                    MailMessage.id.in_(ids),
                    MailMessage.status == MailState.SENDING,
                    MailMessage.next_attempt_at == self.expires,
                )
                .values(next_attempt_at=expires)
                .returning(MailMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
        db.session.commit()
        self.lost.update(set(ids) - kept)
        self.expires, self.renewed = expires, time.monotonic()


def claim(message_ids: list[int], now: datetime) -> Batch:
    """Take the messages not taken by another sender, in one write; they come back with what
    sending them needs. Commits."""
    lease = claim_lease()
    rows = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id.in_(message_ids),
            or_(
                and_(
                    MailMessage.status == MailState.PENDING,
                    or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now),
                ),
                and_(MailMessage.status == MailState.SENDING, MailMessage.next_attempt_at < now),
            ),
        )
        .values(status=MailState.SENDING, next_attempt_at=now + lease)
        .returning(
            MailMessage.id,
            MailMessage.kind,
            MailMessage.recipient,
            MailMessage.cc,
            MailMessage.subject,
            MailMessage.body_text,
            MailMessage.body_html,
            MailMessage.raw,
            MailMessage.created_at,
            MailMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return Batch(sorted(rows, key=lambda row: row.id), now + lease, lease)


def send_batch(batch: Batch, counts: dict[str, int]) -> None:
    """Send the claimed messages over one connection, opened when needed; a message is marked
    sent only once the server accepted it. If the server cannot be reached, the rest of the
    batch waits for its retry."""
    if not batch.rows:
        return
    failures: list[tuple[Row[Any], Exception]] = []
    host: smtplib.SMTP | None = None
    try:
        with sent_marks() as mark_sent:
            for index, row in enumerate(batch.rows):
                batch.renew_if_due(batch.rows[index:])
                if row.id in batch.lost:
                    continue
                if host is None:
                    try:
                        host = connect()
                    except (smtplib.SMTPException, OSError) as error:
                        failures += [(r, error) for r in batch.rows[index:] if r.id not in batch.lost]
                        break
                sender, recipients = envelope(row.recipient, row.cc)
                try:
                    host.sendmail(sender, recipients, _bytes_of(row))
                except (smtplib.SMTPException, OSError) as error:
                    failures.append((row, error))
                    if not isinstance(error, REFUSED) or host.sock is None:
                        _close_quietly(host)
                        host = None
                else:
                    mark_sent(row.id, row.attempts + 1)
                    counts[MailState.SENT] += 1
    finally:
        _close_quietly(host)
        _record_failures(failures, counts)


@contextlib.contextmanager
def sent_marks() -> Iterator[Callable[[int, int], None]]:
    """Where accepted messages are marked sent: a database connection of the batch's own, whose
    commits wait for no flush to disk (SQLite's synchronous=NORMAL in WAL mode, PostgreSQL's
    synchronous_commit=off). A mark is in the database once its commit returns, so a sender
    killed just after loses none; only a power cut (or the database server's crash) in the
    next moment could lose the last marks, and those messages would go out once more, never
    be lost. Everything else keeps full durability."""
    bind = db.session.get_bind()
    if isinstance(bind, Connection):  # a session on one connection of its own (the tests')
        yield lambda message_id, attempts: _mark_sent(bind, message_id, attempts)
        return
    with bind.connect() as connection:
        restore = _without_flush(connection)
        if connection.dialect.name == "postgresql":  # one round trip a mark
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield lambda message_id, attempts: _mark_sent(connection, message_id, attempts)
        finally:
            restore()


def _without_flush(connection: Connection) -> Callable[[], None]:
    """Commits on ``connection`` stop waiting for the disk; returns what undoes it."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO off")
        connection.commit()

        def reset() -> None:
            connection.exec_driver_sql("RESET synchronous_commit")

        return reset
    # Outside any transaction: the driver connection is in autocommit mode (gplan/sqlite.py).
    driver = connection.connection.driver_connection
    assert driver is not None
    (journal,) = driver.execute("PRAGMA journal_mode").fetchone()
    if journal != "wal":  # only a write-ahead log stays whole without its flushes
        return lambda: None
    (level,) = driver.execute("PRAGMA synchronous").fetchone()
    driver.execute("PRAGMA synchronous=NORMAL")

    def restore() -> None:
        driver.execute(f"PRAGMA synchronous={int(level)}")

    return restore


MARK_SENT = (
    update(MailMessage)
    .where(MailMessage.id == bindparam("message_id"))
    .values(
        status=MailState.SENT, attempts=bindparam("attempts"), sent_at=bindparam("sent_at"), last_error=None
    )
)


def _mark_sent(connection: Connection, message_id: int, attempts: int) -> None:
    with connection.begin_nested() if connection.in_transaction() else connection.begin():
        connection.execute(MARK_SENT, {"message_id": message_id, "attempts": attempts, "sent_at": utcnow()})


def _bytes_of(row: Row[Any]) -> bytes:
    raw = row.raw
    if raw is None:  # queued without its bytes (before they were kept, or by hand)
        raw = compose(
            kind=row.kind,
            recipient=row.recipient,
            subject=row.subject,
            text=row.body_text,
            html=row.body_html,
            cc=cc_list(row.cc),
        )
    return with_message_id(raw, message_id(row.id, row.created_at))


def _record_failures(failures: list[tuple[Row[Any], Exception]], counts: dict[str, int]) -> None:
    """Each failed message back in the queue after its backoff, or failed for good after the
    last attempt: one write for the batch."""
    if not failures:
        return
    db.session.rollback()  # whatever stopped the batch may have left a transaction open
    now, rows = utcnow(), []
    for row, error in failures:
        attempts = row.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        rows.append(
            {
                "id": row.id,
                "attempts": attempts,
                "last_error": f"{type(error).__name__}: {error}"[:2000],
                "status": MailState.FAILED if gave_up else MailState.PENDING,
                "next_attempt_at": None if gave_up else now + backoff(attempts),
            }
        )
        counts[MailState.FAILED if gave_up else "retry"] += 1
    db.session.execute(update(MailMessage), rows)
    db.session.commit()


def _close_quietly(host: smtplib.SMTP | None) -> None:
    if host is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            host.quit()
