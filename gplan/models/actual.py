"""Yearly actual figures entered against the plan's target values, with their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model, db
from gplan.models.plan_sections import TargetValue
from gplan.models.types import UTCDateTime


class TargetActual(Model):
    """The figure reached for one target value in one year (e.g. sex ratio at birth in 2018).

    ``value`` is what is compared with the target; ``value_women`` and ``value_men`` hold the
    two sides when the indicator is about women and men.
    """

    __tablename__ = "target_actual"
    __table_args__ = (UniqueConstraint("target_value_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_value_id: Mapped[int] = mapped_column(
        ForeignKey("target_value.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    value_women: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    value_men: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    source: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Counts the changes: a form or API client sends back the version it read, and a figure
    # changed meanwhile is a conflict (409) instead of a silent overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    target_value: Mapped[TargetValue] = relationship()
    entered_by = relationship("User")
    revisions: Mapped[list[TargetActualRevision]] = relationship(
        back_populates="actual", order_by="TargetActualRevision.id.desc()", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class TargetActualRevision(Model):
    """One change to an actual figure: who, when, and the figures before and after."""

    __tablename__ = "target_actual_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    actual_id: Mapped[int] = mapped_column(ForeignKey("target_actual.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(db.JSON)

    actual: Mapped[TargetActual] = relationship(back_populates="revisions")
    user = relationship("User")
