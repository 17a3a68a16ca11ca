"""Dated tasks: one per responsibility × body × occurrence, and their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import db
from gplan.models.body import Body
from gplan.models.plan import Plan, Responsibility
from gplan.models.types import UTCDateTime

# What the focal point records.
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
PROGRESS_VALUES = (NOT_STARTED, IN_PROGRESS, DONE)

# What the task's state is, computed from its dates (the official reporting categories).
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
IN_PROGRESS_ON_TIME = "in_progress"
OVERDUE = "overdue"
STATUSES = (DONE_ON_TIME, DONE_LATE, IN_PROGRESS_ON_TIME, OVERDUE, NOT_STARTED)


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("responsibility_id", "body_id", "occurrence"),
        Index("ix_task_plan_body_due", "plan_id", "body_id", "due_on"),
        Index("ix_task_plan_due", "plan_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    responsibility_id: Mapped[int] = mapped_column(
        ForeignKey("responsibility.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    occurrence: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    due_on: Mapped[date]
    extended_due_on: Mapped[date | None]
    progress: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    completed_on: Mapped[date | None]
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    evidence_file: Mapped[str | None] = mapped_column(String(200))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[Plan] = relationship()
    responsibility: Mapped[Responsibility] = relationship()
    body: Mapped[Body] = relationship()
    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task",
        order_by="TaskEvent.id.desc()",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def deadline(self) -> date:
        """The date the task must be done by, after any extension."""
        return self.extended_due_on or self.due_on

    @deadline.inplace.expression
    @classmethod
    def _deadline_expression(cls):
        return func.coalesce(cls.extended_due_on, cls.due_on)

    @property
    def is_window(self) -> bool:
        return self.starts_on is not None

    def status_on(self, today: date) -> str:
        """The reporting category on ``today``; on-time is measured against the original due date."""
        if self.progress == DONE:
            return DONE_ON_TIME if self.completed_on and self.completed_on <= self.due_on else DONE_LATE
        if today > self.deadline:
            return OVERDUE
        return IN_PROGRESS_ON_TIME if self.progress == IN_PROGRESS else NOT_STARTED

    def days_late(self, today: date) -> int:
        return max(0, (today - self.deadline).days)


def status_expression(today: date):
    """The SQL twin of :meth:`Task.status_on`, for grouping and counting in the database."""
    deadline = case((Task.extended_due_on.is_not(None), Task.extended_due_on), else_=Task.due_on)
    return case(
        (and_(Task.progress == DONE, Task.completed_on <= Task.due_on), DONE_ON_TIME),
        (Task.progress == DONE, DONE_LATE),
        (deadline < today, OVERDUE),
        (Task.progress == IN_PROGRESS, IN_PROGRESS_ON_TIME),
        else_=NOT_STARTED,
    )


class TaskEvent(db.Model):
    """One recorded change to a task: who, when, from which progress to which, and why."""

    __tablename__ = "task_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20), default="progress")
    from_progress: Mapped[str | None] = mapped_column(String(20))
    to_progress: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)

    task: Mapped[Task] = relationship(back_populates="events")
    user = relationship("User")


# The lists ordered by deadline (all tasks, the overdue list, the API, the exports) read a page
# from this index instead of sorting the plan's tasks.
Index("ix_task_plan_deadline", Task.plan_id, Task.deadline, Task.body_id, Task.id)
