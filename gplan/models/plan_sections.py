"""What a plan sets out before its duties: Section I's objectives and their targets, Section II's
activities and Section III's solutions (the duties themselves are in :mod:`gplan.models.plan`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.body import Body
from gplan.models.plan import Plan
from gplan.models.types import Vocabulary
from gplan.reporting.vocabulary import Comparator, Horizon


class Objective(Model):
    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    ref: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="objectives")
    targets: Mapped[list[Target]] = relationship(
        back_populates="objective",
        order_by="Target.number",
        cascade="all, delete-orphan",
    )


class Target(Model):
    """A numbered target (chỉ tiêu); it may hold several measurable values."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("objective_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    ref: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    owner_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))

    objective: Mapped[Objective] = relationship(back_populates="targets")
    owner_body: Mapped[Body | None] = relationship()
    values: Mapped[list[TargetValue]] = relationship(
        back_populates="target",
        order_by="TargetValue.position",
        cascade="all, delete-orphan",
    )


class TargetValue(Model):
    """One measurable value of a target: comparator, value, unit and horizon."""

    __tablename__ = "target_value"
    __table_args__ = (UniqueConstraint("target_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str | None] = mapped_column(String(500))
    comparator: Mapped[Comparator] = mapped_column(Vocabulary(Comparator, 2))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    unit: Mapped[str] = mapped_column(String(80))
    horizon_kind: Mapped[Horizon] = mapped_column(Vocabulary(Horizon))
    horizon_label: Mapped[str | None] = mapped_column(String(120))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    baseline_year: Mapped[int | None]

    target: Mapped[Target] = relationship(back_populates="values")


class Activity(Model):
    """A Section II activity (nội dung hoạt động) with its lead and coordinating bodies."""

    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    ref: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    contents: Mapped[list[Any]] = mapped_column(JSON, default=list[Any])
    lead_keys: Mapped[list[Any]] = mapped_column(JSON, default=list[Any])
    coordinating_keys: Mapped[list[Any]] = mapped_column(JSON, default=list[Any])

    plan: Mapped[Plan] = relationship(back_populates="activities")


class SolutionGroup(Model):
    """A group of Section III solutions, general or serving one objective."""

    __tablename__ = "solution_group"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    ref: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objective.id", ondelete="SET NULL"))
    items: Mapped[list[Any]] = mapped_column(JSON, default=list[Any])

    plan: Mapped[Plan] = relationship(back_populates="solution_groups")
    objective: Mapped[Objective | None] = relationship()
