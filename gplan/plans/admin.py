"""Administering plans in the browser: importing files, report due days, workbooks."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Body, Plan, PlanUpload, User
from gplan.ops import audit
from gplan.plans.chain import check_chain
from gplan.plans.file import PlanFileError, parse_plan_text, read_plan_file, unreadable
from gplan.plans.importing import ImportResult, import_plan
from gplan.plans.schedule import parse_mmdd
from gplan.plans.schema import BodyDef, BodyMember
from gplan.plans.workbook import blank_workbook, plan_file_text, write_workbook
from gplan.plans.workbook_reader import read_workbook
from gplan.tasks.sync import TaskSyncResult, sync_tasks
from gplan.timeutil import utcnow
from gplan.validation import InputError

PLANS_FOLDER = Path(__file__).resolve().parents[2] / "plans"


def decode_upload(data: bytes, filename: str) -> str:
    """The uploaded file as plan-file text, with the CLI's message when it is not UTF-8. An Excel
    workbook (.xlsx) is read and checked first, its faults naming sheet, row and column."""
    if filename.lower().endswith(".xlsx"):
        return plan_file_text(read_workbook(data, filename))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise unreadable(filename, error) from None


def import_text(actor: User, text: str, filename: str) -> ImportResult:
    """Check and import a plan file's text for the period it states, as `flask plan import`
    does, keeping the text for a later roll-over (another period is a draft:
    :func:`gplan.plans.draft_start.draft_from_file`). Raises :class:`PlanFileError` listing every
    problem. The caller commits."""
    try:
        result = import_plan(parse_plan_text(text, filename), source=filename)
    except PlanFileError as error:
        db.session.rollback()
        audit.record(
            audit.IMPORT_REJECTED,
            actor=actor,
            summary=f"{filename}: {len(error.problems)} problem(s)",
            details={"file": filename, "count": len(error.problems), "problems": error.problems[:50]},
        )
        db.session.commit()
        raise
    plan = result.plan
    db.session.add(
        PlanUpload(
            plan_id=plan.id,
            filename=filename[:300],
            content=text,
            period_start=plan.period_start,
            period_end=plan.period_end,
            uploaded_by_id=actor.id,
            uploaded_at=utcnow(),
        )
    )
    tasks = result.tasks
    audit.record(
        audit.PLAN_IMPORTED,
        actor=actor,
        subject=plan,
        summary=f"{plan.code} {plan.period_label} ({'new' if result.created else 'updated'}) from {filename}",
        details={
            "file": filename,
            "created": result.created,
            "counts": result.counts,
            "tasks": tasks.__dict__ if tasks else None,
        },
    )
    return result


def source_of(plan: Plan) -> tuple[str, str] | None:
    """The plan's file as (name, text): the last one uploaded for it, else the bundled file of
    that name in plans/. None when neither is at hand."""
    upload = db.session.scalar(
        select(PlanUpload).where(PlanUpload.plan_id == plan.id).order_by(PlanUpload.id.desc()).limit(1)
    )
    if upload is not None:
        return upload.filename, upload.content
    if plan.source_name:
        bundled = PLANS_FOLDER / Path(plan.source_name).name
        if bundled.is_file():
            return bundled.name, bundled.read_text(encoding="utf-8")
    return None


def _check_chain_with(plan: Plan, days: dict[str, dict[str, str]], field: str) -> None:
    """Refuse due days that would put a compilation on or before a report it compiles."""
    source = source_of(plan)
    if source is None:
        return
    plan_file = parse_plan_text(source[1], source[0])
    for name, day in plan_file.due_days.items():
        if name in days and days[name].get("date"):
            day.default = days[name]["date"]
    problems = check_chain(plan_file)
    if problems:
        raise InputError(problems[0].what, field)


def set_due_days(actor: User, plan: Plan, dates: dict[str, str]) -> TaskSyncResult:
    """Set the plan's report due days ("MM-DD" by name) and re-date its open tasks.

    A day set back to the file's default is no longer marked as changed, so re-imports follow
    the file again. Raises :class:`~gplan.validation.InputError` naming the bad field. The caller commits.
    """
    days = {name: dict(day) for name, day in (plan.due_days or {}).items()}
    changes = {}
    for name, text in dates.items():
        if name not in days:
            raise InputError(gettext("Unknown due day."), name)
        text = (text or "").strip()
        try:
            parse_mmdd(text)
        except ValueError:
            raise InputError(gettext("Write the day as MM-DD, e.g. 12-10."), name) from None
        day = days[name]
        if day.get("date") != text:
            changes[name] = [day.get("date"), text]
        day["date"], day["custom"] = text, text != day.get("default")
    _check_chain_with(plan, days, next(iter(changes), next(iter(dates), "")))
    plan.due_days = days
    result = sync_tasks(plan)
    if changes:
        audit.record(
            audit.DUE_DAYS_CHANGED,
            actor=actor,
            subject=plan,
            summary=f"{plan.code} {plan.period_label}: "
            + ", ".join(f"{name} {old} → {new}" for name, (old, new) in changes.items()),
            details={"changes": changes, "tasks": result.__dict__},
        )
    return result


def plan_workbook(plan: Plan) -> bytes:
    """``plan`` as a plan workbook: its file as last imported, with what was changed here since
    (the period and title of a rolled-over plan, body names, member units added by an admin),
    so that importing the workbook back changes nothing."""
    source = source_of(plan)
    if source is None:
        raise InputError(gettext("The plan's file is not stored here: upload it."))
    plan_file = parse_plan_text(source[1], source[0])
    header = plan_file.plan
    header.period.start, header.period.end = plan.period_start, plan.period_end
    header.title, header.title_en = plan.title, plan.title_en
    bodies = {
        body.key: body
        for body in db.session.scalars(select(Body).where(Body.jurisdiction == plan.jurisdiction))
    }
    for entry in plan_file.bodies:
        _keep_names(entry, bodies.get(entry.key))
        known = {member.key for member in entry.members}
        for member in entry.members:
            _keep_names(member, bodies.get(member.key))
        group = bodies.get(entry.key)
        if entry.group and group is not None:
            entry.members += [
                BodyMember(key=m.key, name=m.name, name_en=m.name_en, short_name=m.short_name)
                for m in group.members
                if m.key not in known
            ]
    return write_workbook(plan_file)


def _keep_names(entry: BodyDef | BodyMember, body: Body | None) -> None:
    if body is not None:
        entry.name, entry.name_en, entry.short_name = body.name, body.name_en, body.short_name


def workbook_template() -> bytes:
    """An empty plan workbook, with the sheets and columns of the bundled plan's."""
    return blank_workbook(read_plan_file(PLANS_FOLDER / "hai-duong-3002-2016-2020.yaml"))
