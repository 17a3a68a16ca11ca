"""The clock: a cron trigger at 07:00 Asia/Ho_Chi_Minh, and the outbox every few minutes.

The scheduler only says when; each run works out from the database what is due, so a
scheduler started twice by mistake is harmless (see ``services.reminders_run``).
"""

from __future__ import annotations

from datetime import datetime, time

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from gplan.reminders.jobs import daily_reminders, deliver_account_mail, deliver_outbox
from gplan.reminders.planner import last_covered_day
from gplan.timeutil import LOCAL_TZ

DAILY_AT = time(7, 0)  # the default; REMINDER_TIME ("HH:MM", local time) changes it
OUTBOX_EVERY_MINUTES = 5  # default; OUTBOX_INTERVAL_SECONDS changes it


def daily_time(app: Flask | None = None) -> time:
    configured = app.config.get("REMINDER_TIME") if app is not None else None
    return time.fromisoformat(configured) if configured else DAILY_AT


def outbox_seconds(app: Flask) -> int:
    return app.config.get("OUTBOX_INTERVAL_SECONDS") or OUTBOX_EVERY_MINUTES * 60


def describe_schedule(app: Flask) -> str:
    """What the clock does, as configured, for the commands that start it."""
    seconds = outbox_seconds(app)
    if seconds % 60:
        every = "every second" if seconds == 1 else f"every {seconds} seconds"
    else:
        every = "every minute" if seconds == 60 else f"every {seconds // 60} minutes"
    return f"reminders daily at {daily_time(app):%H:%M} Asia/Ho_Chi_Minh, the outbox {every}"


def daily_trigger(app: Flask | None = None) -> CronTrigger:
    at = daily_time(app)
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=LOCAL_TZ)


def catch_up_due(app: Flask, now: datetime | None = None) -> bool:
    """True when today's 07:00 run time has passed and today is not covered yet (the
    scheduler was not running then): the run is made at start instead of tomorrow."""
    now = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    if now.time() < daily_time(app):
        return False
    with app.app_context():
        last = last_covered_day()
    return last is None or last < now.date()


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BackgroundScheduler) -> BaseScheduler:
    """A scheduler with gplan's jobs, not yet started."""
    scheduler = scheduler_class(
        timezone=LOCAL_TZ,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    scheduler.add_job(
        daily_reminders, daily_trigger(app), args=[app], id="daily-reminders", name="Daily reminders"
    )
    scheduler.add_job(
        deliver_outbox,
        IntervalTrigger(seconds=outbox_seconds(app), timezone=LOCAL_TZ),
        args=[app],
        id="deliver-outbox",
        name="Send the outbox",
    )
    scheduler.add_job(
        deliver_account_mail,
        IntervalTrigger(seconds=app.config.get("ACCOUNT_MAIL_SECONDS") or 30, timezone=LOCAL_TZ),
        args=[app],
        id="deliver-account-mail",
        name="Send invitations and password links",
    )
    if catch_up_due(app):
        scheduler.add_job(daily_reminders, args=[app], id="catch-up", name="Reminders missed while stopped")
    return scheduler
