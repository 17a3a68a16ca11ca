"""The jobs themselves: each opens its own app context, so it runs in any thread."""

from __future__ import annotations

import logging

from flask import Flask

from gplan.mail.delivery import deliver_all, deliver_pending
from gplan.mail.headers import ACCOUNT_KINDS
from gplan.reminders.run import run_reminders
from gplan.timeutil import local_today

log = logging.getLogger("gplan.tasks")


def daily_reminders(app: Flask) -> None:
    """The 07:00 job: today's reminders, and any days missed since the last run."""
    with app.app_context():
        result = run_reminders(local_today())
        if result.skipped:
            log.info("Reminders for %s: nothing to do (%s)", result.today, result.skipped)
        else:
            log.info(
                "Reminders for %s: %d days covered, %d digests with %d reminders queued; delivery %s",
                result.today,
                len(result.days),
                result.digests,
                result.reminders,
                result.delivery,
            )


def deliver_outbox(app: Flask) -> None:
    """Every few minutes: send what is waiting, including retries whose backoff has passed."""
    with app.app_context():
        counts = deliver_all()
        if any(counts.values()):
            log.info("Outbox: %s", counts)


def deliver_account_mail(app: Flask) -> None:
    """Every half minute: invitations and password links, which someone is waiting for."""
    with app.app_context():
        counts = deliver_pending(kinds=ACCOUNT_KINDS)
        if any(counts.values()):
            log.info("Account mail: %s", counts)
