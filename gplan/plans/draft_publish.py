"""Publishing a plan draft: checked as an uploaded file is checked and imported, so that only
then are its tasks made and only then do focal points see them."""

from __future__ import annotations

import yaml
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from gplan.extensions import db
from gplan.models import Body, Plan, PlanDraft, PlanUpload, User
from gplan.ops import audit
from gplan.plans.draft_texts import flagged_texts
from gplan.plans.drafts import DraftConflict, check, require_admin, require_open, source_name
from gplan.plans.importing import ImportResult, import_plan
from gplan.plans.schema import PlanFile, slug
from gplan.timeutil import utcnow
from gplan.validation import InputError


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
    result = import_plan(plan_file, source=source_name(draft), period=(draft.period_start, draft.period_end))
    plan = result.plan
    db.session.add(
        PlanUpload(
            plan_id=plan.id,
            filename=source_name(draft),
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
