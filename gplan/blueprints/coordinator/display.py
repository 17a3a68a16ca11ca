"""Template helpers for the coordinator's pages: numbers and shares in the user's locale."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, url_for
from flask_babel import format_decimal
from flask_login import current_user

from gplan.accounts.vocabulary import Role
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.cells import share_text
from gplan.reporting.targets import figures_meet, reports_targets, revision_changes
from gplan.reporting.vocabulary import Comparator

NUDGE_ENDPOINT = "reminders.nudge"  # the reminders feature's "remind this body now"


bp.add_app_template_filter(share_text, "pct")


@bp.app_template_filter("num")
def number(value: Decimal | float | int | None) -> str:
    """A figure as entered, in the locale's notation (116,5 in Vietnamese), without padding zeros."""
    return "—" if value is None else format_decimal(value, format="#,##0.####")


@bp.app_template_filter("sign")
def sign(comparator: str) -> str:
    return Comparator.label_of(comparator)


@bp.app_template_global("reports_targets")
def user_reports_targets(plan) -> bool:
    return current_user.is_authenticated and reports_targets(current_user, plan)


@bp.app_template_global("nudge_url")
def nudge_url(plan_id: int, body_id: int) -> str | None:
    """Where the coordinator reminds a body now — when the reminders blueprint is installed and
    the user may send reminders; None otherwise."""
    if NUDGE_ENDPOINT not in current_app.view_functions or current_user.role not in (
        Role.ADMIN,
        Role.COORDINATOR,
    ):
        return None
    return url_for(NUDGE_ENDPOINT, plan_id=plan_id, body_id=body_id)


@bp.app_template_global("figure_meets")
def figure_meets(actual, value) -> bool | None:
    return figures_meet(actual, value)


bp.add_app_template_global(revision_changes, "revision_changes")
