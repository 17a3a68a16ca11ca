"""`flask reminders preview|run --date YYYY-MM-DD` and `flask scheduler`."""

from __future__ import annotations

import contextlib
import logging
import signal
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from gplan.reminders.planner import due_reminders
from gplan.templating import format_date
from gplan.timeutil import local_today

reminders_cli = AppGroup("reminders", help="Preview or run the daily deadline reminders.")


def _day(value: datetime | None) -> date:
    return value.date() if value else local_today()


DATE_OPTION = click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day, as YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh).",
)


@reminders_cli.command("preview")
@DATE_OPTION
@click.option("--fresh", is_flag=True, help="Show that day alone, as if nothing had been sent before.")
def preview_command(day: datetime | None, fresh: bool) -> None:
    """Who would get what on that day. Sends and records nothing."""
    due = due_reminders(_day(day), ignore_history=fresh)
    if not due.days:
        click.echo(f"{format_date(due.today)}: nothing to send (already covered, or a skipped weekend day).")
        return
    covered = f"{format_date(due.days[0])} – {format_date(due.days[-1])}"
    click.echo(
        f"Reminders for {format_date(due.today)} (days covered: {covered}): "
        f"{len(due.digests)} emails, {due.reminder_count} reminders"
        + (f", {due.already_sent} already sent" if due.already_sent else "")
    )
    for digest in due.digests:
        person = digest.recipient
        click.echo(f"\n{person.email}  {person.name} [{person.locale}]")
        for section, entries in digest.sections(due.today).items():
            for entry in entries:
                kinds = ",".join(sorted(entry.kinds))
                click.echo(
                    f"  {section:10} {entry.ref:10} {format_date(entry.deadline)}  task {entry.task_id:<7}"
                    f" {kinds:20} {entry.body_name}"
                )


@reminders_cli.command("run")
@DATE_OPTION
def run_command(day: datetime | None) -> None:
    """Do what the daily job does, for that day: queue the digests, record them, send."""
    from gplan.reminders.run import run_reminders

    today = _day(day)
    if today > local_today():
        raise click.BadParameter(
            "a run cannot be made for a day still to come; use preview", param_hint="--date"
        )
    result = run_reminders(today)
    if result.skipped:
        click.echo(f"{format_date(today)}: nothing queued ({result.skipped}).")
    else:
        covered = f"{format_date(result.days[0])} – {format_date(result.days[-1])}"
        click.echo(
            f"{format_date(today)}: days covered {covered}; "
            f"{result.digests} emails queued with {result.reminders} reminders."
        )
    delivery = result.delivery or {}
    click.echo("Outbox: " + ", ".join(f"{count} {state}" for state, count in delivery.items()))


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in this process: reminders daily at REMINDER_TIME (Asia/Ho_Chi_Minh),
    the outbox every OUTBOX_INTERVAL_SECONDS. Run it once per installation (with gunicorn,
    beside it)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from gplan.reminders.scheduler import build_scheduler, describe_schedule

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = build_scheduler(app, BlockingScheduler)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"gplan scheduler: {describe_schedule(app)} (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
