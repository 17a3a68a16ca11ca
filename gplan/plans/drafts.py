"""Plan drafts: a roll-over is written and checked in the browser, and reaches nobody until
the admin publishes it.

A draft holds the plan file's data (docs/plan-format.md) as it is being written. It starts
from the plan it rolls over, without that document's number, date and title: the new plan is
a new document, and only the admin can say what it is called and when it was issued. Texts
naming a year of the old period are flagged, so no "đến năm 2020" passes into 2026-2030.
Publishing checks the draft as an uploaded file is checked and imports it: only then are the
tasks made, and only then do focal points see them.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import yaml
from flask_babel import gettext
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from gplan.accounts.access import require
from gplan.accounts.vocabulary import Role
from gplan.extensions import db
from gplan.models import Body, Plan, PlanDraft, PlanUpload, User
from gplan.ops import audit
from gplan.plans.admin import source_of
from gplan.plans.bodies import as_administered
from gplan.plans.file import PlanFileError, parse_plan_text, validate_plan
from gplan.plans.importing import ImportResult, import_plan
from gplan.plans.schema import PlanFile, slug
from gplan.timeutil import utcnow
from gplan.validation import InputError

HEADER = ("code", "title", "title_en", "issued_on")


class DraftConflict(InputError):
    """A step the draft's state or another plan forbids: the draft is published already, or a
    plan has its number and period. The API answers 409; a page shows the message."""


def require_admin(actor: User | None) -> None:
    """Only an administrator writes drafts (AccessDenied otherwise)."""
    # None is the command line: whoever runs it administers the machine.
    require(actor is None or actor.role == Role.ADMIN)


def save_edit(
    actor: User | None, draft: PlanDraft, content: dict[str, Any], summary: str, details: dict[str, Any]
) -> None:
    """Keep ``content`` as the draft's and audit the edit (``details`` is what the audit log
    describes in the reader's language, gplan.ops.audit_text)."""
    # A new dict, so that the JSON column sees the change.
    draft.content = content
    draft.updated_at = utcnow()
    audit.record(audit.DRAFT_CHANGED, actor=actor, subject=draft, summary=summary, details=details)


def require_open(draft: PlanDraft) -> None:
    if draft.is_published:
        message = gettext("This draft is published already: roll the plan over again to change it.")
        raise DraftConflict(message)


def start_rollover(
    actor: User | None, plan: Plan, period: tuple[int, int], upload: tuple[str, str] | None = None
) -> PlanDraft:
    """A draft of ``plan`` for ``period``: its file (or ``upload``, (name, text), instead), with
    the number, date and title left empty and the retired bodies left out. Nothing else
    changes. ``actor`` None is the command line. The caller commits."""
    require_admin(actor)
    if period[0] == plan.period_start:
        raise InputError(gettext("Choose a period that starts in another year."), "start")
    source = upload or source_of(plan)
    if source is None:
        raise InputError(gettext("The plan's file is not stored here: upload it."), "file")
    plan_file = parse_plan_text(source[1], source[0])
    return _new_draft(actor, plan_file, period, plan, (plan.period_start, plan.period_end))


def draft_from_file(actor: User | None, name: str, text: str, period: tuple[int, int]) -> PlanDraft:
    """A draft for ``period`` from a plan file's text (`flask plan import --period`, the upload
    page with a period): the roll-over of the file's plan when it is loaded here, else of the
    file alone. Never a re-dated copy: a plan for another period is a new document. A period
    starting in the file's own first year is refused. The caller commits."""
    require_admin(actor)
    plan_file = parse_plan_text(text, name)
    header = plan_file.plan
    if period[0] == header.period.start:
        raise InputError(gettext("Choose a period that starts in another year."), "start")
    jurisdiction = header.jurisdiction or slug(header.issuer)
    plan = db.session.scalar(
        select(Plan).filter_by(code=header.code, jurisdiction=jurisdiction, period_start=header.period.start)
    )
    return _new_draft(actor, plan_file, period, plan, (header.period.start, header.period.end))


def _new_draft(
    actor: User | None,
    plan_file: PlanFile,
    period: tuple[int, int],
    plan: Plan | None,
    old_period: tuple[int, int],
) -> PlanDraft:
    content = plan_file.model_dump(mode="json", exclude_none=True)
    header = content["plan"]
    code = header.get("code", "")
    for name in HEADER:
        header.pop(name, None)
    header["period"] = {"start": period[0], "end": period[1]}
    jurisdiction = plan.jurisdiction if plan else plan_file.plan.jurisdiction or slug(plan_file.plan.issuer)
    as_administered(content, jurisdiction)
    retired = set(
        db.session.scalars(
            select(Body.key).where(Body.jurisdiction == jurisdiction, Body.retired_on.is_not(None))
        )
    )
    from gplan.plans.draft_edits import without_bodies  # it builds on this module

    now = utcnow()
    draft = PlanDraft(
        source_plan_id=plan.id if plan else None,
        period_start=period[0],
        period_end=period[1],
        old_period_start=old_period[0],
        old_period_end=old_period[1],
        content=without_bodies(content, retired),
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(draft)
    db.session.flush()
    audit.record(
        audit.DRAFT_CREATED,
        actor=actor,
        subject=draft,
        summary=f"{code} {old_period[0]}–{old_period[1]} → {draft.period_label}",
        details={
            "plan": plan.id if plan else None,
            "period": list(period),
            "retired_left_out": sorted(retired),
        },
    )
    return draft


def unpublished_query() -> Select[tuple[PlanDraft]]:
    """The drafts still being written, newest first."""
    return select(PlanDraft).where(PlanDraft.published_at.is_(None)).order_by(PlanDraft.id.desc())


def unpublished() -> list[PlanDraft]:
    """The drafts still being written, newest first."""
    return list(db.session.scalars(unpublished_query()))


def edit_header(
    actor: User | None,
    draft: PlanDraft,
    *,
    code: str,
    title: str,
    title_en: str | None,
    issued_on: date | None,
) -> None:
    """Set the new document's number, title and date of issue (each may stay empty until
    publishing). The caller commits."""
    require_admin(actor)
    require_open(draft)
    content = copy.deepcopy(draft.content)
    header = content["plan"]
    values = {
        "code": (code or "").strip(),
        "title": (title or "").strip(),
        "title_en": (title_en or "").strip(),
        "issued_on": issued_on.isoformat() if issued_on else "",
    }
    if len(values["code"]) > 80:
        raise InputError(gettext("The number is at most 80 characters."), "code")
    changes = {
        name: [header.get(name), value or None]
        for name, value in values.items()
        if header.get(name, "") != value
    }
    for name, value in values.items():
        if value:
            header[name] = value
        else:
            header.pop(name, None)
    if changes:
        save_edit(actor, draft, content, "plan: " + ", ".join(changes), {"plan": changes})


def check(draft: PlanDraft, content: dict[str, Any] | None = None) -> PlanFile:
    """The draft checked as a plan file is; PlanFileError lists every fault."""
    return validate_plan(content or draft.content, _source(draft), lambda loc: " › ".join(map(str, loc)))


def check_edit(draft: PlanDraft, content: dict[str, Any], field: str | None = None) -> None:
    """Refuse an edit that would leave the draft unpublishable for a reason other than the
    header still to be written: InputError with every fault, on ``field``."""
    trial = copy.deepcopy(content)
    trial["plan"] = {"code": "-", "title": "-"} | trial["plan"]
    try:
        check(draft, trial)
    except PlanFileError as error:
        message = "; ".join(error.problems)
        raise InputError(message, field) from None


def _source(draft: PlanDraft) -> str:
    return f"draft-{draft.id}.yaml"


def _refuse_members_left_active(plan_file: PlanFile) -> None:
    """Member units belong to their group wherever it serves, not to one plan: one left out of
    the draft but still active would be given the group's tasks all the same. It must be
    retired (its open tasks moved or closed) first, or put back."""
    jurisdiction = plan_file.plan.jurisdiction or slug(plan_file.plan.issuer)
    listed = {m.key for b in plan_file.bodies for m in b.members}
    groups = [b.key for b in plan_file.bodies if b.group]
    group = aliased(Body)
    active = db.session.scalars(
        select(Body.key)
        .join(group, Body.parent_id == group.id)
        .where(Body.jurisdiction == jurisdiction, Body.retired_on.is_(None), group.key.in_(groups))
    )
    left = sorted(key for key in set(active) if key not in listed)
    if left:
        raise InputError(
            gettext(
                "These member units are left out of the draft but still active: %(keys)s. Retire "
                "them (Administration → Bodies) or add them back.",
                keys=", ".join(left),
            )
        )


def publish(actor: User | None, draft: PlanDraft) -> ImportResult:
    """Publish ``draft``: check it, import it as a plan (making its tasks) and keep its text as
    the plan's file, for the workbook and the next roll-over. The caller commits.

    Refused while the number, title or date of issue is missing, with a message for each; a
    fault of the file is a PlanFileError naming the item.
    """
    from gplan.plans.draft_texts import flagged_texts  # it builds on this module

    require_admin(actor)
    require_open(draft)
    header = draft.header
    missing = {
        "code": gettext("Give the new plan's document number."),
        "title": gettext("Give the new plan's title."),
        "issued_on": gettext("Give the date the new plan was issued."),
    }
    missing = {name: message for name, message in missing.items() if not header.get(name)}
    if missing:
        raise InputError(next(iter(missing.values())), fields=missing)
    taken = db.session.scalar(
        select(Plan.id).where(
            Plan.code == header["code"],
            Plan.period_start == draft.period_start,
        )
    )
    if taken:
        raise DraftConflict(gettext("A plan with this number and period exists already."), "code")
    plan_file = check(draft)
    _refuse_members_left_active(plan_file)
    text = yaml.safe_dump(draft.content, allow_unicode=True, sort_keys=False)
    result = import_plan(plan_file, source=_source(draft), period=(draft.period_start, draft.period_end))
    plan = result.plan
    db.session.add(
        PlanUpload(
            plan_id=plan.id,
            filename=_source(draft),
            content=text,
            period_start=plan.period_start,
            period_end=plan.period_end,
            uploaded_by_id=actor.id if actor else None,
            uploaded_at=utcnow(),
        )
    )
    draft.published_plan_id, draft.published_at = plan.id, utcnow()
    audit.record(
        audit.DRAFT_PUBLISHED,
        actor=actor,
        subject=plan,
        summary=f"{plan.code} {plan.period_label} from draft {draft.id}",
        details={
            "draft": draft.id,
            "flagged_left": [t.path for t in flagged_texts(draft)],
            "tasks": result.tasks.__dict__ if result.tasks else None,
        },
    )
    return result


__all__ = ["PlanFileError"]
