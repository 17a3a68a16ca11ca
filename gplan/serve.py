"""`flask serve`: the single-process way to run gplan (the embedded default)."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from gplan.access_log import log_requests
from gplan.extensions import db
from gplan.memory import freeze_loaded_app
from gplan.public_address import started_address
from gplan.timeutil import local_today, parse_day, simulate_today


class Day(click.ParamType):
    """A date on the command line, written dd/mm/yyyy or yyyy-mm-dd."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)", param, ctx)


DAY = Day()


def format_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--demo/--no-demo",
    default=False,
    help="Load the demo plan (2016-2020, as issued) and accounts first, and run on a day inside it.",
)
@click.option(
    "--today",
    type=DAY,
    default=None,
    help="Run as if today were this date (dd/mm/yyyy or yyyy-mm-dd); the demo's default is 20/11/2018.",
)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    help="Run the reminder scheduler in this process (off when `flask scheduler` runs elsewhere).",
)
@with_appcontext
def serve_command(
    host: str, port: int, demo: bool, today: date | None, threads: int, scheduler: bool
) -> None:
    """Bring the database up to date and serve the app with waitress, with the scheduler."""
    from waitress import serve

    upgrade()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("BASE_URL"):
        # Links in mail and calendar feeds lead here, also from the scheduler (it has no request).
        app.config["BASE_URL"] = started_address(host, port)
    if today is not None:
        simulate_today(app, today)
    if demo:
        from gplan.cli import print_demo_accounts
        from gplan.ops.demo import DEMO_PASSWORD, demo_day, load_demo

        demo_day(app)
        plan, accounts = load_demo()
        db.session.commit()
        print_demo_accounts(plan, accounts, DEMO_PASSWORD)
        from gplan.reminders.run import DEMO_FIRST_DAYS, run_reminders

        run_reminders(local_today(), first_days=DEMO_FIRST_DAYS)  # the last week's reminders, in /outbox
    db.session.remove()
    clock = None
    if scheduler:
        from gplan.reminders.scheduler import build_scheduler, describe_schedule

        clock = build_scheduler(app)
        clock.start()
        click.echo(f"Scheduler: {describe_schedule(app)} (see /outbox).")
    if (simulated := app.config.get("SIMULATED_TODAY")) is not None:
        click.echo(f"Simulated date: {format_day(simulated)} (every page says so; GPLAN_TODAY or --today).")
    click.echo(f"gplan is running on http://{host}:{port}/ (Ctrl+C to stop)")
    click.echo(f"Links in mail and calendar feeds start with {app.config['BASE_URL']} (BASE_URL).")
    freeze_loaded_app()
    try:
        serve(log_requests(app), host=host, port=port, threads=threads, ident="")  # no Server header
    finally:
        if clock is not None:
            clock.shutdown(wait=False)
