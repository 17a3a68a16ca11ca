"""Plan files imported through the browser, kept so a plan can be rolled over later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.types import UTCDateTime


class PlanUpload(Model):
    __tablename__ = "plan_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    period_start: Mapped[int]
    period_end: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    plan = relationship("Plan")
    uploaded_by = relationship("User")
