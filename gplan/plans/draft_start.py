"""Starting a plan draft: a plan, or a plan file, rolled over to another period, without the
old document's number, date and title and without the bodies retired since (gplan.plans.drafts
says why)."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Body, Plan, PlanDraft, User
from gplan.ops import audit
from gplan.plans.admin import source_of
from gplan.plans.bodies import as_administered
from gplan.plans.draft_edits import without_bodies
from gplan.plans.drafts import HEADER, require_admin
from gplan.plans.file import parse_plan_text
from gplan.plans.schema import PlanFile, slug
from gplan.timeutil import utcnow
from gplan.validation import InputError


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
