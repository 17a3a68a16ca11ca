"""Deadline reminders: the policy, what was sent to whom, runs, nudges, opt-outs, calendar feeds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gplan.extensions import Model
from gplan.models.types import UTCDateTime, Vocabulary
from gplan.reminders.vocabulary import ReminderKind


class ReminderPolicy(Model):
    """When reminders go out. One row (id 1), edited by the administrator."""

    __tablename__ = "reminder_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    days_before: Mapped[list[Any]] = mapped_column(JSON, default=lambda: [14, 3])
    on_due_date: Mapped[bool] = mapped_column(default=True)
    # 0 = no repeat: overdue tasks are reminded every this many days (weekly by default).
    overdue_every_days: Mapped[int] = mapped_column(default=7)
    # Overdue by more than this many days: the coordinator is copied. 0 = never.
    escalate_after_days: Mapped[int] = mapped_column(default=14)
    # Windows (e.g. the Action Month): a notice this many days before they open (0 = none)…
    window_notice_days: Mapped[int] = mapped_column(default=14)
    # … and one on the day they open.
    window_open_notice: Mapped[bool] = mapped_column(default=True)
    # Weekend reminders go out on the Friday before instead.
    skip_weekends: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    updated_by = relationship("User")


class Reminder(Model):
    """One reminder about one task for one recipient on one day, and the mail that carried it.

    The unique key is what makes a reminder go out once, whatever runs twice or at once.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("task_id", "recipient", "kind", "on_date"),
        Index("ix_reminder_on_date", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[ReminderKind] = mapped_column(Vocabulary(ReminderKind))
    on_date: Mapped[date] = mapped_column(Date)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_message.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    task = relationship("Task")
    message = relationship("MailMessage")


class ReminderRun(Model):
    """A completed daily run: the run's date and the days whose reminders it covered."""

    __tablename__ = "reminder_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_on: Mapped[date] = mapped_column(Date)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date, index=True)
    digests: Mapped[int] = mapped_column(default=0)
    reminders: Mapped[int] = mapped_column(default=0)
    holder: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerLease(Model):
    """A named lease in the database: only its holder runs the job until it expires."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Nudge(Model):
    """The coordinator asked a body to act now: who, when, with what note, to how many people."""

    __tablename__ = "nudge"
    # One nudge a day per body: a second click, or two at once, does not mail twice.
    __table_args__ = (UniqueConstraint("body_id", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    on_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(Text)
    task_count: Mapped[int] = mapped_column(default=0)

    body = relationship("Body")
    by_user = relationship("User")


class ReminderOptOut(Model):
    """A reminder kind a user chose not to receive."""

    __tablename__ = "reminder_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[ReminderKind] = mapped_column(Vocabulary(ReminderKind), primary_key=True)


class CalendarFeed(Model):
    """A user's private calendar address; deleting the row revokes it."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
