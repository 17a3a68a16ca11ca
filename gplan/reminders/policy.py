"""The reminder policy: when reminders go out, as the administrator set it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from flask_babel import gettext

from gplan.extensions import db
from gplan.models import ReminderPolicy, User
from gplan.reminders.vocabulary import ReminderKind
from gplan.timeutil import utcnow
from gplan.validation import InputError

POLICY_ID = 1
MAX_DAYS = 365


@dataclass(frozen=True)
class Policy:
    """Defaults: 14 and 3 days before a due date, on the day, weekly while overdue, the
    coordinator copied past 14 days late; windows announced 14 days ahead and on opening."""

    days_before: tuple[int, ...] = (14, 3)
    on_due_date: bool = True
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    window_notice_days: int = 14
    window_open_notice: bool = True
    skip_weekends: bool = False

    @property
    def look_ahead(self) -> int:
        """How many days after a reminder's day a deadline it concerns can fall."""
        return max(self.days_before, default=0)


def current_policy() -> Policy:
    row = db.session.get(ReminderPolicy, POLICY_ID)
    if row is None:
        return Policy()
    others = {f.name: getattr(row, f.name) for f in fields(Policy) if f.name != "days_before"}
    return Policy(days_before=tuple(row.days_before or ()), **others)


def parse_days_before(text: str | None) -> tuple[int, ...]:
    """ "14, 3" → (14, 3): distinct whole numbers of days, largest first."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    try:
        days = {int(part) for part in parts}
    except ValueError:
        raise InputError(
            gettext("Write whole numbers of days separated by commas, e.g. 14, 3."), "days_before"
        )
    if any(day < 1 or day > MAX_DAYS for day in days):
        raise InputError(
            gettext("Each number of days must be between 1 and %(max)d.", max=MAX_DAYS), "days_before"
        )
    return tuple(sorted(days, reverse=True))


def check_policy(policy: Policy) -> None:
    for name in ("overdue_every_days", "escalate_after_days", "window_notice_days"):
        value = getattr(policy, name)
        if not 0 <= value <= MAX_DAYS:
            raise InputError(gettext("Enter a number of days between 0 and %(max)d.", max=MAX_DAYS), name)


def save_policy(policy: Policy, by_user: User) -> None:
    """Store ``policy`` as the one in force. The caller commits."""
    check_policy(policy)
    row = db.session.get(ReminderPolicy, POLICY_ID) or ReminderPolicy(id=POLICY_ID)
    for name, value in asdict(policy).items():
        setattr(row, name, list(value) if name == "days_before" else value)
    row.updated_at, row.updated_by_id = utcnow(), by_user.id
    db.session.add(row)


def kinds_on(
    day: date,
    deadline: date,
    starts_on: date | None,
    policy: Policy,
) -> list[ReminderKind]:
    """The reminder kinds an open task with this ``deadline`` (and window start) gets on ``day``.

    A window's own notices replace the before-deadline reminders until it has opened, so the
    Action Month is announced ahead and on opening, and its report is reminded after it.
    Overdue reminders past the escalation threshold become escalations.
    """
    kinds = []
    if starts_on is not None:
        notice = policy.window_notice_days
        if (notice and starts_on - timedelta(days=notice) == day) or (
            policy.window_open_notice and starts_on == day
        ):
            kinds.append(ReminderKind.WINDOW)
    ahead = (deadline - day).days
    if ahead > 0 and ahead in policy.days_before and (starts_on is None or day > starts_on):
        kinds.append(ReminderKind.DUE_SOON)
    elif ahead == 0 and policy.on_due_date:
        kinds.append(ReminderKind.DUE_TODAY)
    elif ahead < 0:
        late, every, threshold = -ahead, policy.overdue_every_days, policy.escalate_after_days
        reminded = late % every == 0 if every else False
        if threshold and late > threshold and (reminded or (not every and late == threshold + 1)):
            kinds.append(ReminderKind.ESCALATION)
        elif reminded:
            kinds.append(ReminderKind.OVERDUE)
    return kinds
