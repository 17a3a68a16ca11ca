"""Who gets which reminders: computed from the tasks table for a run's days.

Everything is read in a fixed number of queries (tasks, responsibilities, bodies, people,
opt-outs, what was already sent), then matched in memory, so the cost does not grow with a
query per task or per person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, and_, func, or_, select

from gplan.accounts.vocabulary import Role
from gplan.collation import by_name, name_key
from gplan.extensions import db
from gplan.models import Body, Reminder, ReminderOptOut, ReminderRun, Responsibility, Task, User
from gplan.reminders.policy import Policy, current_policy, kinds_on
from gplan.reminders.vocabulary import DigestSection, ReminderKind
from gplan.tasks.comments import CommentNote
from gplan.tasks.review_queue import waiting_too_long
from gplan.tasks.vocabulary import TaskProgress

MAX_CATCH_UP_DAYS = 31


@dataclass
class Recipient:
    email: str
    name: str
    locale: str
    user_id: int | None = None
    contact_for: str | None = None  # a body's contact address, standing in for a focal point


@dataclass
class Entry:
    """One task in a digest, with the reminder kinds that brought it there."""

    task_id: int
    body_name: str
    ref: str
    title: str
    title_en: str | None
    due_on: date
    deadline: date
    starts_on: date | None
    ends_on: date | None
    kinds: set[str] = field(default_factory=set)
    copy: bool = False  # the recipient is told about another body's task (escalation)
    waiting_since: date | None = None  # a submission awaiting the recipient's review since then

    def section(self, today: date) -> DigestSection:
        if self.waiting_since is not None:
            return DigestSection.AWAITING_REVIEW
        if self.copy:  # another body's task, late past the threshold: the coordinator's copy
            return DigestSection.ESCALATED
        if self.kinds <= {ReminderKind.WINDOW}:
            return DigestSection.WINDOWS
        if self.deadline < today:
            return DigestSection.OVERDUE
        return DigestSection.DUE_TODAY if self.deadline == today else DigestSection.DUE_SOON

    def display_title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title


@dataclass
class Digest:
    recipient: Recipient
    entries: dict[int, Entry] = field(default_factory=dict)
    reminders: list[tuple[int, str, date]] = field(default_factory=list)  # (task, kind, day)
    comments: list[CommentNote] = field(default_factory=list)  # new in the threads of the recipient's tasks

    def sections(self, today: date) -> dict[DigestSection, list[Entry]]:
        result: dict[DigestSection, list[Entry]] = {name: [] for name in DigestSection}
        for entry in self.entries.values():
            result[entry.section(today)].append(entry)
        for name, entries in result.items():
            if name == DigestSection.AWAITING_REVIEW:  # the longest waiting first
                entries.sort(key=lambda e: (e.waiting_since or today, e.task_id))
            elif name == DigestSection.ESCALATED:  # the coordinator reads them body by body
                entries.sort(key=lambda e: (name_key(e.body_name), e.deadline, e.ref, e.task_id))
            else:
                entries.sort(key=lambda e: (e.deadline, name_key(e.body_name), e.ref, e.task_id))
        return result

    @property
    def body_names(self) -> list[str]:
        return by_name({entry.body_name for entry in self.entries.values()}, str)


@dataclass
class DueReminders:
    """What a run for ``today`` sends: one digest per person, for the ``days`` it covers."""

    today: date
    days: list[date]
    digests: list[Digest]
    already_sent: int = 0

    @property
    def reminder_count(self) -> int:
        return sum(len(d.reminders) for d in self.digests)


def last_covered_day() -> date | None:
    return db.session.scalar(select(func.max(ReminderRun.last_day)))


def days_to_cover(today: date, policy: Policy, last_covered: date | None, first_days: int = 1) -> list[date]:
    """The days whose reminders a run on ``today`` sends: every day since the last covered one
    (catch-up after downtime, at most a month), and with weekends skipped, a Friday also
    covers the weekend ahead while a Saturday or Sunday covers nothing. The very first run
    covers ``first_days`` days up to today (just today, unless asked otherwise)."""
    if policy.skip_weekends and today.weekday() >= 5:
        return []
    start = today - timedelta(days=max(1, min(first_days, MAX_CATCH_UP_DAYS)) - 1)
    if last_covered is not None:
        start = max(last_covered + timedelta(days=1), today - timedelta(days=MAX_CATCH_UP_DAYS - 1))
    end = today
    while policy.skip_weekends and (end + timedelta(days=1)).weekday() >= 5:
        end += timedelta(days=1)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def due_reminders(
    today: date, *, policy: Policy | None = None, ignore_history: bool = False, first_days: int = 1
) -> DueReminders:
    """Compute who gets what on ``today``. Reads only; nothing is recorded or sent.

    ``ignore_history`` shows ``today`` alone as if nothing had been sent before.
    """
    policy = policy or current_policy()
    last = None if ignore_history else last_covered_day()
    days = days_to_cover(today, policy, last, 1 if ignore_history else first_days)
    if not days:
        return DueReminders(today, [], [])
    return _due_on_days(today, days, policy, ignore_history)


def _candidate_tasks(days: list[date], policy: Policy) -> Sequence[Row[Any]]:
    window_until = days[-1] + timedelta(days=policy.window_notice_days)
    return db.session.execute(
        select(
            Task.id,
            Task.body_id,
            Task.responsibility_id,
            Task.due_on,
            Task.deadline.label("deadline"),
            Task.starts_on,
            Task.ends_on,
        ).where(
            Task.is_open,
            Task.progress != TaskProgress.SUBMITTED,  # the coordinator's turn, not the body's
            or_(
                Task.deadline <= days[-1] + timedelta(days=policy.look_ahead),
                and_(Task.starts_on >= days[0], Task.starts_on <= window_until),
            ),
        )
    ).all()


def _people_by_body() -> tuple[dict[int, list[Recipient]], list[Recipient]]:
    """Each body's focal points (its enabled users), and the coordinators."""
    by_body: dict[int, list[Recipient]] = {}
    coordinators = []
    rows = db.session.execute(
        select(User.id, User.email, User.name, User.locale, User.body_id, User.role).where(
            User.is_enabled.is_(True), or_(User.body_id.is_not(None), User.role == Role.COORDINATOR)
        )
    )
    for user_id, email, name, locale, body_id, role in rows:
        person = Recipient(email.lower(), name, locale or "vi", user_id)
        if body_id is not None:
            by_body.setdefault(body_id, []).append(person)
        elif role == Role.COORDINATOR:
            coordinators.append(person)
    return by_body, coordinators


def _due_on_days(today: date, days: list[date], policy: Policy, ignore_history: bool) -> DueReminders:
    tasks = _candidate_tasks(days, policy)
    responsibility_ids = {t.responsibility_id for t in tasks}
    responsibilities = {
        r.id: r
        for r in db.session.execute(
            select(Responsibility.id, Responsibility.ref, Responsibility.text, Responsibility.title_en).where(
                Responsibility.id.in_(responsibility_ids)
            )
        )
    }
    requested = set(
        db.session.scalars(
            select(Responsibility.id).where(
                Responsibility.id.in_(responsibility_ids), Responsibility.requested.is_(True)
            )
        )
    )
    bodies = {b.id: b for b in db.session.execute(select(Body.id, Body.name, Body.contact_email))}
    focal_points, coordinators = _people_by_body()
    opted_out = set(db.session.execute(select(ReminderOptOut.user_id, ReminderOptOut.kind)).tuples())
    sent = set()
    if not ignore_history:
        sent = set(
            db.session.execute(
                select(Reminder.task_id, Reminder.recipient, Reminder.kind, Reminder.on_date).where(
                    Reminder.on_date >= days[0], Reminder.on_date <= days[-1]
                )
            ).tuples()
        )
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    digests: dict[str, Digest] = {}
    already = 0

    def recipients_of(body_id: int) -> list[Recipient]:
        people = focal_points.get(body_id)
        if people:
            return people
        body = bodies[body_id]
        if body.contact_email:
            return [Recipient(body.contact_email.strip().lower(), body.name, default_locale, None, body.name)]
        return []

    for task in tasks:
        for day in days:
            for kind in kinds_on(day, task.deadline, task.starts_on, policy):
                if kind == ReminderKind.ESCALATION and task.responsibility_id in requested:
                    kind = ReminderKind.OVERDUE  # asked, not assigned: reminded, never escalated
                addressed = [(person, False) for person in recipients_of(task.body_id)]
                if kind == ReminderKind.ESCALATION:
                    addressed += [(person, True) for person in coordinators]
                for person, copy in addressed:
                    if kind.is_optional and (person.user_id, kind) in opted_out:
                        continue
                    if (task.id, person.email, kind, day) in sent:
                        already += 1
                        continue
                    digest = digests.setdefault(person.email, Digest(person))
                    entry = digest.entries.get(task.id)
                    if entry is None:
                        responsibility = responsibilities[task.responsibility_id]
                        entry = digest.entries[task.id] = Entry(
                            task.id,
                            bodies[task.body_id].name,
                            responsibility.ref,
                            responsibility.text,
                            responsibility.title_en,
                            task.due_on,
                            task.deadline,
                            task.starts_on,
                            task.ends_on,
                            copy=copy,
                        )
                    entry.kinds.add(kind)
                    digest.reminders.append((task.id, kind, day))
    for waiting in waiting_too_long(today):
        submitted = waiting.task
        for person in coordinators:
            if (submitted.id, person.email, ReminderKind.REVIEW_WAITING, today) in sent:
                already += 1
                continue
            digest = digests.setdefault(person.email, Digest(person))
            digest.entries[submitted.id] = Entry(
                submitted.id,
                submitted.body.name,
                submitted.responsibility.ref,
                submitted.responsibility.text,
                submitted.responsibility.title_en,
                submitted.due_on,
                submitted.deadline,
                submitted.starts_on,
                submitted.ends_on,
                kinds={ReminderKind.REVIEW_WAITING},
                waiting_since=waiting.submitted_on,
            )
            digest.reminders.append((submitted.id, ReminderKind.REVIEW_WAITING, today))
    ordered = [digests[email] for email in sorted(digests)]
    return DueReminders(today, days, ordered, already)
