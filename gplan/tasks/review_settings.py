"""The plan's review setting: whether work is reviewed before it counts as done, and how many
working days a submission may wait before the coordinators' digest names it."""

from __future__ import annotations

from flask_babel import gettext

from gplan.accounts.access import require
from gplan.models import Plan, User
from gplan.ops import audit
from gplan.validation import InputError

MAX_WAIT_DAYS = 60


def set_review(actor: User, plan: Plan, required: bool, wait_days: int | None) -> None:
    """Turn review on or off for ``plan`` and set the waiting days (1 to 60). Turning it off
    keeps today's direct "done"; tasks already submitted or returned keep their state. Raises
    InputError naming ``review_wait_days``. The caller commits."""
    require(actor.edits_all_progress)
    if wait_days is None or not 1 <= wait_days <= MAX_WAIT_DAYS:
        raise InputError(
            gettext("Enter a number of working days from 1 to %(max)d.", max=MAX_WAIT_DAYS),
            "review_wait_days",
        )
    before = {"review_required": plan.review_required, "review_wait_days": plan.review_wait_days}
    plan.review_required, plan.review_wait_days = bool(required), wait_days
    after = {"review_required": plan.review_required, "review_wait_days": plan.review_wait_days}
    audit.record(
        audit.REVIEW_SETTINGS_CHANGED,
        actor=actor,
        subject=plan,
        summary=f"{plan.code}: review {'on' if required else 'off'}, {wait_days} working days",
        details={"before": before, "after": after},
    )
