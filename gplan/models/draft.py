"""A plan being written in the browser before anyone is given its tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.plan import Plan
from gplan.models.types import UTCDateTime


class PlanDraft(Model):
    """A plan file under edit (the dict a plan file parses into, docs/plan-format.md).

    It lives apart from the plans, so nothing of it reaches a focal point, a task list or a
    reminder until the admin publishes it; publishing imports it like an uploaded file.
    """

    __tablename__ = "plan_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"), index=True)
    period_start: Mapped[int]
    period_end: Mapped[int]
    # The period the texts were written for: a text naming one of its years is flagged.
    old_period_start: Mapped[int | None]
    old_period_end: Mapped[int | None]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source_plan: Mapped[Plan | None] = relationship(foreign_keys=[source_plan_id])
    published_plan: Mapped[Plan | None] = relationship(foreign_keys=[published_plan_id])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    @property
    def header(self) -> dict[str, Any]:
        plan: dict[str, Any] = self.content.get("plan") or {}
        return plan
