"""Dated tasks: one per responsibility × body × occurrence, and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    false,
    func,
    literal,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import Case, ColumnElement

from gplan.extensions import Model
from gplan.models.body import Body
from gplan.models.plan import Plan, Responsibility
from gplan.models.types import UTCDateTime, Vocabulary
from gplan.tasks.vocabulary import SubmissionState, TaskEventKind, TaskProgress, TaskStatus

if TYPE_CHECKING:
    from gplan.models.request import ExtensionRequest, TaskComment

# No longer open: done, or closed when its body was retired.
FINISHED = (TaskProgress.DONE, TaskProgress.CLOSED)


class Task(Model):
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
    progress: Mapped[TaskProgress] = mapped_column(Vocabulary(TaskProgress), default=TaskProgress.NOT_STARTED)
    completed_on: Mapped[date | None]
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    evidence_file: Mapped[str | None] = mapped_column(String(200))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    # Closed when its body was retired (progress CLOSED): from which day and why, and whether
    # because the successor held the same task already (the history names it).
    closed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_as_duplicate: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[Plan] = relationship()
    responsibility: Mapped[Responsibility] = relationship()
    body: Mapped[Body] = relationship()
    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task",
        order_by="TaskEvent.id.desc()",
        cascade="all, delete-orphan",
    )
    submissions: Mapped[list[TaskSubmission]] = relationship(
        back_populates="task",
        order_by="TaskSubmission.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    # Read only where a page's loader set them (gplan.blueprints.focal.task_page: empty, as loaded,
    # for a task without any); the domain reads them through requests_of and comments_of.
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        viewonly=True, order_by="[ExtensionRequest.asked_at.desc(), ExtensionRequest.id.desc()]"
    )
    comments: Mapped[list[TaskComment]] = relationship(
        viewonly=True, order_by="[TaskComment.at, TaskComment.id]"
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def deadline(self) -> date:
        """The date the task must be done by: the extended due date, else the due date."""
        return self.extended_due_on or self.due_on

    @deadline.inplace.expression
    @classmethod
    def _deadline_expression(cls) -> ColumnElement[date]:
        return func.coalesce(cls.extended_due_on, cls.due_on)

    @hybrid_property
    def is_open(self) -> bool:
        """Still expected: neither done nor closed."""
        return self.progress not in FINISHED

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> ColumnElement[bool]:
        return cls.progress.not_in(FINISHED)

    @property
    def is_closed(self) -> bool:
        return self.progress == TaskProgress.CLOSED

    @property
    def audit_label(self) -> str:
        """The task as the audit log's summaries name it: duty, body and occurrence."""
        return f"{self.responsibility.ref} · {self.body.name} · {self.occurrence}"

    @property
    def is_window(self) -> bool:
        return self.starts_on is not None

    @property
    def is_locked(self) -> bool:
        """Accepted after review: only a coordinator's reopening changes it again."""
        return self.progress == TaskProgress.DONE and self.plan.review_required

    def status_on(self, today: date) -> TaskStatus:
        """The reporting category on ``today``. On time means done (with review: submitted in the
        submission that was accepted) no later than the deadline, the extended one where there
        is one. Submitted, returned and closed tasks are categories of their own, whatever the
        date; a closed one says whether it was closed before its deadline or when overdue."""
        return task_status(today, self.progress, self.completed_on, self.closed_on, self.deadline)

    def days_late(self, today: date) -> int:
        return max(0, (today - self.deadline).days)


def task_status(
    today: date, progress: TaskProgress, completed_on: date | None, closed_on: date | None, deadline: date
) -> TaskStatus:
    """The reporting category on ``today`` of a task with these dates and progress (the rule of
    :meth:`Task.status_on`, shared with the plain rows lists read, ``gplan.tasks.rows``).

    A finished task is judged by the day it was finished, done or closed (only one is ever set,
    as :func:`on_time_expression` reads it): closed after its deadline, it was overdue then and
    was never done, and says so for good."""
    finished_on = completed_on or closed_on
    on_time = finished_on is not None and finished_on <= deadline
    if progress == TaskProgress.DONE:
        return TaskStatus.DONE_ON_TIME if on_time else TaskStatus.DONE_LATE
    if progress == TaskProgress.CLOSED:
        return TaskStatus.CLOSED if on_time else TaskStatus.CLOSED_LATE
    if progress == TaskProgress.SUBMITTED:
        return TaskStatus.SUBMITTED
    if progress == TaskProgress.RETURNED:
        return TaskStatus.RETURNED
    if today > deadline:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if progress == TaskProgress.IN_PROGRESS else TaskStatus.NOT_STARTED


def on_time_expression(completed_on: Any, closed_on: Any, deadline: Any) -> ColumnElement[bool]:
    """Finished no later than ``deadline``: done (``completed_on``) or closed (``closed_on``)
    by then; false while open. The tally keeps it per task (``gplan.models.tally``, whose
    triggers spell the same rule in SQL text), and :func:`status_case` reads it."""
    return func.coalesce(func.coalesce(completed_on, closed_on) <= deadline, false())


def status_case(
    today: date | ColumnElement[date], progress: Any, on_time: Any, deadline: Any
) -> Case[TaskStatus]:
    """The reporting status as SQL over the columns it reads: the progress, whether it was done
    or closed no later than its deadline (after any extension: :func:`on_time_expression`), and
    that deadline. The task table (:func:`status_expression`) and the task tally
    (``gplan.models.tally``) both use it."""

    def status(member: TaskStatus) -> ColumnElement[TaskStatus]:
        return literal(member, Vocabulary(TaskStatus))

    return case(
        (and_(progress == TaskProgress.DONE, on_time), status(TaskStatus.DONE_ON_TIME)),
        (progress == TaskProgress.DONE, status(TaskStatus.DONE_LATE)),
        (and_(progress == TaskProgress.CLOSED, on_time), status(TaskStatus.CLOSED)),
        (progress == TaskProgress.CLOSED, status(TaskStatus.CLOSED_LATE)),
        (progress == TaskProgress.SUBMITTED, status(TaskStatus.SUBMITTED)),
        (progress == TaskProgress.RETURNED, status(TaskStatus.RETURNED)),
        (deadline < today, status(TaskStatus.OVERDUE)),
        (progress == TaskProgress.IN_PROGRESS, status(TaskStatus.IN_PROGRESS)),
        else_=status(TaskStatus.NOT_STARTED),
    )


def status_expression(today: date | ColumnElement[date]) -> Case[TaskStatus]:
    """The SQL twin of :meth:`Task.status_on`, for grouping and counting in the database; its
    values are read back as :class:`TaskStatus` members."""
    on_time = on_time_expression(Task.completed_on, Task.closed_on, Task.deadline)
    return status_case(today, Task.progress, on_time, Task.deadline)


class TaskEvent(Model):
    """One recorded change to a task: who, when, from which progress to which, and why."""

    __tablename__ = "task_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[TaskEventKind] = mapped_column(Vocabulary(TaskEventKind), default=TaskEventKind.PROGRESS)
    from_progress: Mapped[TaskProgress | None] = mapped_column(Vocabulary(TaskProgress))
    to_progress: Mapped[TaskProgress | None] = mapped_column(Vocabulary(TaskProgress))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    task: Mapped[Task] = relationship(back_populates="events")
    user = relationship("User")


class TaskSubmission(Model):
    """What a body sent for review of one task (gplan.tasks.review): its narrative, evidence and
    figures, and the coordinator's decision. A task keeps every submission; at most one waits."""

    __tablename__ = "task_submission"
    __table_args__ = (Index("ix_task_submission_state_at", "state", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The local day it was sent: what on-time is measured by once it is accepted.
    submitted_on: Mapped[date]
    narrative: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    evidence_file: Mapped[str | None] = mapped_column(String(200))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    # [{"target_value_id": int, "value": "12.5"}]: entered as the year's figures when accepted.
    figures: Mapped[list[Any] | None] = mapped_column(JSON)
    state: Mapped[SubmissionState] = mapped_column(
        Vocabulary(SubmissionState), default=SubmissionState.WAITING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="submissions")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


# The lists ordered by deadline (all tasks, the overdue list, the API, the exports) read a page
# from this index instead of sorting the plan's tasks.
Index("ix_task_plan_deadline", Task.plan_id, Task.deadline, Task.body_id, Task.id)
# One body's list (the focal point's sections, a body's API list) reads its page section by
# section: the open ones from its deadlines, the done ones from their completion, newest first,
# and the windows open now from their start; a page costs what it shows, not the body's size.
Index("ix_task_plan_body_deadline", Task.plan_id, Task.body_id, Task.deadline, Task.id)
Index(
    "ix_task_plan_body_finished",
    Task.plan_id,
    Task.body_id,
    Task.progress,
    func.coalesce(Task.completed_on, Task.due_on),
    Task.year,
    Task.completed_on,
)
Index("ix_task_plan_body_starts", Task.plan_id, Task.body_id, Task.starts_on)
