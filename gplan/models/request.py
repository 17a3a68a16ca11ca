"""What a body and the coordinator say to each other about a task: requests for a later
deadline with their decisions, and the comment thread."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.task import Task
from gplan.models.types import UTCDateTime, Vocabulary
from gplan.models.user import User
from gplan.tasks.vocabulary import ExtensionState


class ExtensionRequest(Model):
    """A focal point asks for a later deadline, with a reason; a coordinator approves it (for
    the date asked or another) or refuses it, with a reason."""

    __tablename__ = "extension_request"
    __table_args__ = (
        # One request awaiting a decision per task: two focal points asking at once, one wins.
        Index(
            "uq_extension_request_pending",
            "task_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    deadline_then: Mapped[date]  # the deadline when it was asked
    asked_for: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(Vocabulary(ExtensionState), default=ExtensionState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted_on: Mapped[date | None]  # the deadline approved: the date asked, or another
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    task: Mapped[Task] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    # Two coordinators deciding at once: the second write finds another version (StaleDataError).
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_pending(self) -> bool:
        return self.state == ExtensionState.PENDING


class TaskComment(Model):
    """One message in a task's thread between its body and the coordinator. The daily digest
    carries new comments to the others in the thread, then marks them ``digested_at``."""

    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    task: Mapped[Task] = relationship()
    author: Mapped[User | None] = relationship()
