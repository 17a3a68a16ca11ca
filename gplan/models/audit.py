"""The audit log: who did what to accounts, plans and tasks, and every sign-in attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model, db
from gplan.models.types import UTCDateTime


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Kept as typed, so a failed sign-in with an unknown address is still on record.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(1000), default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    ip: Mapped[str | None] = mapped_column(String(45))

    actor = relationship("User")
