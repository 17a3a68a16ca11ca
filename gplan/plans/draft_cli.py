"""`flask plan draft …`, and the draft `flask plan import FILE --period` starts: the command
line's way to the same drafts the admin pages write (gplan/plans/drafts.py, draft_start.py,
draft_publish.py)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from gplan.extensions import db
from gplan.models import PlanDraft
from gplan.plans import draft_publish, draft_start, drafts
from gplan.plans.admin import decode_upload
from gplan.plans.file import PlanFileError, unreadable
from gplan.public_address import external_url
from gplan.validation import InputError

draft_cli = AppGroup("draft", help="Plan drafts: roll-overs still being written.")


def _refused(error: InputError) -> NoReturn:
    db.session.rollback()
    for message in [m for messages in error.fields.values() for m in messages] or [error.message]:
        click.echo(f"  - {message}", err=True)
    raise SystemExit(1) from None


def _address(draft: PlanDraft) -> str:
    return external_url("admin.draft", draft_id=draft.id)


def start_draft(file: str, period: tuple[int, int]) -> None:
    """Start a draft for ``period`` from the plan file ``file`` and say where to finish it.
    A fault of the file is a PlanFileError (the caller lists it)."""
    try:
        text = decode_upload(Path(file).read_bytes(), file)
    except OSError as error:
        raise unreadable(file, error) from None
    try:
        draft = draft_start.draft_from_file(None, file, text, period)
    except InputError as error:
        click.echo(f"Cannot start a draft from {file}:", err=True)
        _refused(error)
    db.session.commit()
    click.echo(f"Started draft {draft.id} for {draft.period_label}: no plan, no tasks until it is published.")
    click.echo(
        f"Write its document number, date of issue and title and check its texts at {_address(draft)}, "
        f"then publish it there or with `flask plan draft publish {draft.id}`."
    )


@draft_cli.command("list")
def list_command() -> None:
    """List the drafts not yet published, with the address to finish each."""
    unpublished = drafts.unpublished()
    if not unpublished:
        click.echo("No drafts: `flask plan import FILE --period YYYY-YYYY` starts one.")
    for draft in unpublished:
        header = draft.header
        old_period = f"{draft.old_period_start}–{draft.old_period_end}"
        source = f"{draft.source_plan.code} {old_period}" if draft.source_plan else f"a file for {old_period}"
        click.echo(
            f"{draft.id:4}  {draft.period_label}  from {source}  "
            f"{header.get('code') or '(no number yet)'}  {header.get('title') or '(no title yet)'}  "
            f"{_address(draft)}"
        )


@draft_cli.command("publish")
@click.argument("draft_id", type=int)
def publish_command(draft_id: int) -> None:
    """Publish a draft: the plan and its tasks are made, and its focal points see them."""
    draft = db.session.get(PlanDraft, draft_id)
    if draft is None:
        raise click.BadParameter(f"no draft with the id {draft_id}", param_hint="DRAFT_ID")
    try:
        with force_locale("en"):  # the command line speaks English, like its other messages
            result = draft_publish.publish(None, draft)
    except InputError as error:
        click.echo(f"Cannot publish draft {draft_id}:", err=True)
        _refused(error)
    except PlanFileError as error:
        db.session.rollback()
        click.echo(f"Cannot publish draft {draft_id}:", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    plan, created = result.plan, result.tasks.created if result.tasks else 0
    click.echo(f"Published plan {plan.code} ({plan.period_label}), id {plan.id}: {created} tasks created.")
