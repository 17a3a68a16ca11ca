"""The words of reminders: the kinds of reminder, and the sections of the daily digest."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from gplan.vocabulary import RichStrEnum


class ReminderKind(RichStrEnum):
    """Why a task is in someone's mail (``Reminder.kind``, ``ReminderOptOut.kind``); when each
    is due is decided by ``gplan.reminders.policy.kinds_on``."""

    DUE_SOON = "due_soon", _l("Before the due date")
    DUE_TODAY = "due_today", _l("On the due date")
    OVERDUE = "overdue", _l("Overdue")
    WINDOW = "window", _l("Period opening")  # a window (e.g. the Action Month) opens soon, or today
    ESCALATION = "escalation", _l("Escalated")  # the coordinator is told too
    NUDGE = "nudge", _l("Nudge")  # the coordinator's "remind this body now"
    # A submission waiting for the coordinator's review longer than the plan allows.
    REVIEW_WAITING = "review_waiting", _l("Awaiting review too long")

    @property
    def is_optional(self) -> bool:
        """Whether a focal point may switch it off (on their profile page)."""
        return self in _OPTIONAL

    @property
    def preference(self) -> Any:
        """The choice offered on the profile page, for the kinds one may switch off."""
        return _OPTIONAL.get(self)

    @classmethod
    def optional(cls) -> list[ReminderKind]:
        return [kind for kind in cls if kind.is_optional]


# The kinds a focal point may switch off, with the choice's wording; escalations and the
# coordinator's nudges always reach them.
_OPTIONAL = {
    ReminderKind.DUE_SOON: _l("Before a due date (as set by the administrator, e.g. 14 and 3 days before)"),
    ReminderKind.DUE_TODAY: _l("On the due date"),
    ReminderKind.OVERDUE: _l("While a task is overdue"),
    ReminderKind.WINDOW: _l("Before and when a period such as the Action Month opens"),
}


class DigestSection(RichStrEnum):
    """The daily digest's sections, most urgent first (not stored: chosen per task and day)."""

    AWAITING_REVIEW = "awaiting_review", _l("Submissions awaiting your review too long")
    ESCALATED = "escalated", _l("Long overdue, escalated to you (by body)")
    OVERDUE = "overdue", _l("Overdue")
    DUE_TODAY = "due_today", _l("Due today")
    DUE_SOON = "due_soon", _l("Due soon")
    WINDOWS = "windows", _l("Periods of activity")

    @property
    def is_urgent(self) -> bool:
        """Shown in red in the mail."""
        return self in (DigestSection.AWAITING_REVIEW, DigestSection.ESCALATED, DigestSection.OVERDUE)
