"""The plan as data: the plan, the bodies taking part and its duties (Section IV's
responsibilities). What the plan sets out before them, its objectives and targets, activities and
solutions, is in :mod:`gplan.models.plan_sections`."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model, db
from gplan.models.body import Body
from gplan.models.types import UTCDateTime

if TYPE_CHECKING:
    # For the annotations only: plan_sections imports this module. The mapper finds these
    # classes by name, once gplan.models has imported both.
    from gplan.models.plan_sections import Activity, Objective, SolutionGroup

LEAD = "lead"
COORDINATING = "coordinating"
ASSIGNEE = "assignee"
ISSUER = "issuer"  # Responsibility.reports_to: the authority that issued the plan

responsibility_objective = Table(
    "responsibility_objective",
    db.metadata,
    Column(
        "responsibility_id",
        ForeignKey("responsibility.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("objective_id", ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True),
)
responsibility_activity = Table(
    "responsibility_activity",
    db.metadata,
    Column(
        "responsibility_id",
        ForeignKey("responsibility.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(Model):
    """One action plan for one period; the same document may be imported for several periods."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("code", "jurisdiction", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    jurisdiction: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(300))
    issued_on: Mapped[date | None]
    period_start: Mapped[int]
    period_end: Mapped[int]
    general_objective: Mapped[str] = mapped_column(Text, default="")
    general_objective_ref: Mapped[str | None] = mapped_column(String(40))
    funding: Mapped[str | None] = mapped_column(Text)
    implementation_intro: Mapped[str | None] = mapped_column(Text)
    # name -> {"default": "MM-DD", "date": "MM-DD", "label": str, "label_en": str}
    due_days: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict[str, Any])
    coordinator_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    # What the plan file inferred rather than read in the source: "kind:key" -> the file's note
    # (kinds: due_day, members, owner, horizon, value, duty; see gplan/plans/provenance.py).
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict[str, Any], server_default="{}")
    source_name: Mapped[str | None] = mapped_column(String(300))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Review (gplan.tasks.review): on, a focal point submits its work and a coordinator accepts
    # or returns it; off, a focal point marks its tasks done directly.
    review_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A submission waiting longer than this many working days goes into the coordinators' digest.
    review_wait_days: Mapped[int] = mapped_column(default=5, server_default="5")

    coordinator_body: Mapped[Body | None] = relationship()
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="Objective.number", cascade="all, delete-orphan"
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="plan", order_by="Activity.number", cascade="all, delete-orphan"
    )
    solution_groups: Mapped[list[SolutionGroup]] = relationship(
        back_populates="plan",
        order_by="SolutionGroup.position",
        cascade="all, delete-orphan",
    )
    responsibilities: Mapped[list[Responsibility]] = relationship(
        back_populates="plan",
        order_by="Responsibility.position",
        cascade="all, delete-orphan",
    )
    participants: Mapped[list[PlanBody]] = relationship(back_populates="plan", cascade="all, delete-orphan")

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def display_title(self, locale: str = "vi") -> str:
        return self.title_en if locale == "en" and self.title_en else self.title

    def inference(self, kind: str, *key: str) -> str | None:
        """The note of an inferred item (``None`` when the item is the source's own)."""
        note = (self.provenance or {}).get(":".join((kind, *key)))
        return str(note) if note else None


class PlanBody(Model):
    """A body's part in a plan: the Section IV paragraph that assigns it, if any."""

    __tablename__ = "plan_body"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    # Units the plan file proposes for a group whose members the source does not name:
    # [{"key", "name", "name_en", "short_name"}]; an admin chooses which become members.
    suggested_members: Mapped[list[Any]] = mapped_column(JSON, default=list[Any], server_default="[]")

    plan: Mapped[Plan] = relationship(back_populates="participants")
    body: Mapped[Body] = relationship()


class ResponsibilityBody(Model):
    """A body's role in a responsibility: assignee (gets tasks), lead or coordinating."""

    __tablename__ = "responsibility_body"

    responsibility_id: Mapped[int] = mapped_column(
        ForeignKey("responsibility.id", ondelete="CASCADE"), primary_key=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    body: Mapped[Body] = relationship()


class Responsibility(Model):
    """A checkable duty cited from the plan, with the schedule that dates its tasks."""

    __tablename__ = "responsibility"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(40))
    paragraph: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Extra work the coordinator assigned in the browser, not a duty cited from the plan file.
    ad_hoc: Mapped[bool] = mapped_column(default=False)
    # A report duty's recipient: a body's key, or "issuer" (the authority that issued the plan).
    reports_to: Mapped[str | None] = mapped_column(String(80))
    # "Đề nghị …": asked of an organisation outside the issuer's authority; reminded, never
    # escalated, and counted apart from the assigned duties.
    requested: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[Plan] = relationship(back_populates="responsibilities")
    body_roles: Mapped[list[ResponsibilityBody]] = relationship(
        cascade="all, delete-orphan", order_by="ResponsibilityBody.position"
    )
    objectives: Mapped[list[Objective]] = relationship(secondary=responsibility_objective)
    activities: Mapped[list[Activity]] = relationship(secondary=responsibility_activity)

    def bodies(self, role: str) -> list[Body]:
        return [link.body for link in self.body_roles if link.role == role]

    @property
    def leads(self) -> list[Body]:
        return self.bodies(LEAD)

    @property
    def coordinating(self) -> list[Body]:
        return self.bodies(COORDINATING)

    @property
    def assignees(self) -> list[Body]:
        return self.bodies(ASSIGNEE)

    def reports_to_body_name(self, locale: str = "vi") -> str:
        """Whom this report duty reports to, by name: the plan's issuer, or a body."""
        if self.reports_to == ISSUER:
            return self.plan.issuer
        body = db.session.scalar(
            select(Body).filter_by(jurisdiction=self.plan.jurisdiction, key=self.reports_to)
        )
        return body.display_name(locale) if body else str(self.reports_to)
