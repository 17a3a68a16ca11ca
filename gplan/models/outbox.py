"""The mail outbox: every message is a row before it is an SMTP conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gplan.extensions import Model
from gplan.mail.vocabulary import MailKind, MailState
from gplan.models.types import UTCDateTime, Vocabulary


class MailMessage(Model):
    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Makes a message idempotent: the same key is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[MailKind] = mapped_column(Vocabulary(MailKind, 40))
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    cc: Mapped[str | None] = mapped_column(String(1000))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # The message as sent over SMTP but for its Message-ID, built when queued (mail/compose.py);
    # None for a row made otherwise, which is then built when sent.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[MailState] = mapped_column(Vocabulary(MailState), default=MailState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
