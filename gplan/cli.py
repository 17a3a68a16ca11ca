"""Command-line interface: `flask --app wsgi <command>` from the repository root."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.plans.draft_cli import draft_cli, start_draft
from gplan.plans.file import PlanFileError, read_plan_file
from gplan.plans.importing import import_plan
from gplan.serve import DAY, format_day
from gplan.timeutil import simulate_today

plan_cli = AppGroup("plan", help="Import and list plans; publish drafts.")
plan_cli.add_command(draft_cli)


def _parse_period(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        start, end = (int(part) for part in value.split("-"))
    except ValueError:
        raise click.BadParameter("write the period as YYYY-YYYY, e.g. 2026-2030") from None
    if end < start or start < 1900:
        raise click.BadParameter("the period must run forward, e.g. 2026-2030")
    return start, end


@plan_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--period", help="Start a draft of the plan for another period, e.g. 2026-2030.")
def import_command(file: str, period: str | None) -> None:
    """Validate a plan file and load it; re-running updates in place. With --period, start a
    draft for that period instead: a new document, published once its number, date and title
    are written (`flask plan draft publish ID`, or the admin pages)."""
    new_period = _parse_period(period)
    try:
        with force_locale("en"):  # the command line speaks English, like its other messages
            if new_period is not None:
                start_draft(file, new_period)
                return
            result = import_plan(read_plan_file(file), source=file)
    except PlanFileError as error:
        db.session.rollback()
        click.echo(f"Cannot import {error.source}:", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    plan, tasks = result.plan, result.tasks
    assert tasks is not None  # an import always syncs the tasks
    verb = "Imported" if result.created else "Updated"
    click.echo(
        f"{verb} plan {plan.code} ({plan.period_label}), id {plan.id}: "
        + ", ".join(f"{v} {k}" for k, v in result.counts.items())
    )
    click.echo(
        f"Tasks: {tasks.created} created, {tasks.updated} re-dated, {tasks.removed} removed, "
        f"{tasks.kept_with_progress} kept (they have progress but are no longer scheduled)"
    )


@plan_cli.command("list")
def list_command() -> None:
    """List the plans in this installation."""
    from gplan.plans.queries import all_plans

    plans = all_plans()
    if not plans:
        click.echo("No plans: `flask plan import FILE` loads one.")
    for plan in plans:
        click.echo(f"{plan.id:4}  {plan.code}  {plan.period_label}  {plan.title}")


@click.command("demo")
@click.option("--today", type=DAY, default=None, help="The day the demo data shows (default: 20/11/2018).")
def demo_command(today: date | None) -> None:
    """Load the demo plan as issued, with demo accounts and the progress of a day inside its
    period, and print them. Serve it on that day with GPLAN_TODAY (or `flask serve --demo`)."""
    from gplan.ops.demo import DEMO_PASSWORD, demo_day, load_demo

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if today is not None:
        simulate_today(app, today)
    day = demo_day(app)
    plan, accounts = load_demo()
    db.session.commit()
    print_demo_accounts(plan, accounts, DEMO_PASSWORD)
    click.echo(f"The demo shows {format_day(day)}: serve it with GPLAN_TODAY={day.isoformat()} flask serve")


def print_demo_accounts(plan, accounts, password: str) -> None:
    click.echo(f"Demo plan: {plan.title} ({plan.period_label})")
    click.echo(f"Demo accounts (password for all: {password}):")
    for account in accounts:
        click.echo(f"  {account.role:12} {account.email:40} {account.body or ''}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(Role.values()),
    required=True,
)
@click.option("--body", "body_key", help="Body key, for a focal point.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, name, role, body_key, password) -> None:
    """Create an account (e.g. the first administrator)."""
    from sqlalchemy import select

    from gplan.accounts import users as accounts
    from gplan.models import Body
    from gplan.validation import InputError

    body = db.session.scalar(select(Body).filter_by(key=body_key)) if body_key else None
    if body_key and body is None:
        raise click.BadParameter(f"no body with the key '{body_key}'", param_hint="--body")
    try:
        accounts.check_new_password(password)
        user = accounts.create_user(email=email, name=name, role=role, body=body, password=password)
    except InputError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


def register(app: Flask) -> None:
    app.cli.add_command(plan_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(tally_cli)
    app.cli.add_command(search_cli)
    from gplan.serve import serve_command

    app.cli.add_command(serve_command)
    from gplan.reminders.cli import reminders_cli, scheduler_command

    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_command)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_command(target: str) -> None:
    """Write the whole database and the evidence files to a zip file (owner-readable only),
    read in one snapshot and checked before it counts as written."""
    from gplan.ops.backup import BackupError, write_backup

    try:
        counts = write_backup(target)
    except BackupError as error:
        raise click.ClickException(f"no backup was written: {error}") from None
    missing = counts.pop("missing files")
    click.echo(
        f"Wrote {target}: {sum(counts.values())} rows in {len(counts)} tables, with the evidence files; "
        "every reference checked."
    )
    if missing:
        click.echo(f"Warning: {missing} evidence files named by tasks were already missing.", err=True)


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def restore_command(source: str) -> None:
    """Load a backup into a freshly migrated, empty database."""
    from gplan.ops.backup import BackupError
    from gplan.ops.restore import restore_backup

    try:
        counts = restore_backup(source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables from {source}.")


tally_cli = AppGroup("tally", help="The task tally the coordinator's summaries count from.")


@tally_cli.command("rebuild")
@click.option("--plan", "plan_id", type=int, help="Only this plan's (by id); all plans by default.")
def tally_rebuild_command(plan_id: int | None) -> None:
    """Recount the task tally from the tasks (for repair, and after loading tasks by hand)."""
    from gplan.models.tally import rebuild_tally

    rows = rebuild_tally(plan_id)
    db.session.commit()
    click.echo(f"Recounted the task tally{f' of plan {plan_id}' if plan_id else ''}: {rows} rows.")


search_cli = AppGroup("search", help="The search index of the task lists.")


@search_cli.command("rebuild")
def search_rebuild_command() -> None:
    """Rebuild the search index from the tables (after a restore, a bulk import or damage)."""
    from gplan.models.search_index import rebuild_search_index

    rebuilt = rebuild_search_index()
    db.session.commit()
    rows = ", ".join(f"{name}: {count}" for name, count in rebuilt.rows.items())
    click.echo(f"Rebuilt the search index: {rebuilt.tasks} tasks can be found ({rows} rows).")
