"""The daily run: compute the day's reminders, record them with their digests, then send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from gplan.extensions import db
from gplan.mail.delivery import deliver_all, insert_ignoring_duplicates, queue_mail_many
from gplan.models import Reminder, ReminderRun
from gplan.reminders.digest import digest_key, render_digests
from gplan.reminders.lease import acquire, new_holder, release, renew
from gplan.reminders.planner import Digest, DueReminders, Recipient, due_reminders
from gplan.reminders.policy import current_policy
from gplan.tasks.comments import comments_for_digest, mark_digested
from gplan.timeutil import utcnow

LEASE_NAME = "daily-reminders"
LEASE_TTL = timedelta(minutes=30)
DEMO_FIRST_DAYS = 7  # a demo's first run also covers the past week, so the outbox shows some

BUSY = "busy"  # another run holds the lease
COVERED = "covered"  # every day up to this one was already covered
WEEKEND = "weekend"  # weekends are skipped; Friday's run covered this day


@dataclass
class RunResult:
    today: date
    days: list[date] = field(default_factory=list)
    digests: int = 0
    reminders: int = 0
    skipped: str | None = None
    delivery: dict[str, int] | None = None


def run_reminders(today: date, *, deliver: bool = True, first_days: int = 1) -> RunResult:
    """What the daily job does for ``today``: compute the reminders of every day not yet
    covered (catching up after downtime), queue one digest per person in the outbox with the
    reminders it carries, then send from the outbox.

    Safe to start twice or at once: a database lease lets one run work at a time, and the
    unique keys on digests and reminders keep anything from being queued twice.
    ``first_days`` lets the very first run also cover the days before (the demo). Commits.
    """
    db.session.commit()
    holder = new_holder()
    if acquire(LEASE_NAME, holder, LEASE_TTL):
        try:
            result = _run_holding_lease(today, holder, first_days)
        finally:
            release(LEASE_NAME, holder)
    else:
        result = RunResult(today, skipped=BUSY)
    if deliver:
        result.delivery = deliver_all()
    return result


def _run_holding_lease(today: date, holder: str, first_days: int) -> RunResult:
    started = utcnow()
    policy = current_policy()
    due = due_reminders(today, policy=policy, first_days=first_days)
    if not due.days:
        db.session.commit()
        return RunResult(today, skipped=WEEKEND if policy.skip_weekends and today.weekday() >= 5 else COVERED)
    add_new_comments(due, started)
    messages = render_digests(due)
    # End the read before the first write: on SQLite a reading transaction cannot become a
    # writing one once another connection has committed.
    db.session.commit()
    if not renew(LEASE_NAME, holder, LEASE_TTL):
        db.session.rollback()
        return RunResult(today, skipped=BUSY)
    result = record_run(due, messages, holder, started)
    db.session.commit()
    return result


def add_new_comments(due: DueReminders, until: datetime) -> None:
    """Put the comments no digest has carried yet in their readers' digests, making one for a
    reader who has no reminder that day: one mail a day, not one per comment."""
    digests = {digest.recipient.email: digest for digest in due.digests}
    for reader, notes in comments_for_digest(until):
        digest = digests.get(reader.email)
        if digest is None:
            recipient = Recipient(reader.email, reader.name, reader.locale, reader.user_id)
            digest = digests[reader.email] = Digest(recipient)
        digest.comments.extend(notes)
    due.digests = [digests[email] for email in sorted(digests)]


def record_run(
    due: DueReminders, messages: list[dict[str, Any]], holder: str, started: datetime
) -> RunResult:
    """Queue the digests and record each reminder with the digest that carries it, and the
    days covered. A digest already queued (by a run at the same moment) adds nothing.
    The caller commits."""
    queued = queue_mail_many(messages)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    carried: set[int] = set()
    for digest in due.digests:
        message_id = queued.get(digest_key(due.today, digest.recipient.email))
        if message_id is None:
            continue
        carried.update(note.comment_id for note in digest.comments)
        rows.extend(
            {
                "task_id": task_id,
                "recipient": digest.recipient.email,
                "kind": kind,
                "on_date": day,
                "message_id": message_id,
                "created_at": now,
            }
            for task_id, kind, day in dict.fromkeys(digest.reminders)
        )
    if rows:
        db.session.execute(
            insert_ignoring_duplicates(Reminder, ["task_id", "recipient", "kind", "on_date"]), rows
        )
    mark_digested(carried)
    db.session.add(
        ReminderRun(
            run_on=due.today,
            first_day=due.days[0],
            last_day=due.days[-1],
            digests=len(queued),
            reminders=len(rows),
            holder=holder,
            started_at=started,
            finished_at=utcnow(),
        )
    )
    return RunResult(due.today, due.days, len(queued), len(rows))
