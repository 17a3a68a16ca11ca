"""Template helpers for the coordinator's pages: numbers and shares in the user's locale."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.cells import share_text
from gplan.mail.delivery import SENDING
from gplan.models.outbox import FAILED, HELD, PENDING, SENT
from gplan.models.user import ADMIN, COORDINATOR
from gplan.reporting.targets import (
    COMPARATOR_SIGNS,
    MET,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    figures_meet,
    reports_targets,
    revision_changes,
)

TARGET_STATUS_LABELS = {
    MET: _l("Met"),
    ON_TRACK: _l("On track"),
    OFF_TRACK: _l("Off track"),
    NO_DATA: _l("No data"),
}
NUDGE_ENDPOINT = "reminders.nudge"  # the reminders feature's "remind this body now"
OUTBOX_STATUS_LABELS = {
    PENDING: _l("queued"),
    SENDING: _l("being sent"),
    SENT: _l("sent"),
    FAILED: _l("could not be delivered"),
    HELD: _l("kept in the outbox (no mail server)"),
}


bp.add_app_template_filter(share_text, "pct")


@bp.app_template_filter("num")
def number(value: Decimal | float | int | None) -> str:
    """A figure as entered, in the locale's notation (116,5 in Vietnamese), without padding zeros."""
    return "—" if value is None else format_decimal(value, format="#,##0.####")


@bp.app_template_filter("sign")
def sign(comparator: str) -> str:
    return COMPARATOR_SIGNS.get(comparator, comparator)


@bp.app_template_global("reports_targets")
def user_reports_targets(plan) -> bool:
    return current_user.is_authenticated and reports_targets(current_user, plan)


@bp.app_template_global("nudge_url")
def nudge_url(plan_id: int, body_id: int) -> str | None:
    """Where the coordinator reminds a body now — when the reminders blueprint is installed and
    the user may send reminders; None otherwise."""
    if NUDGE_ENDPOINT not in current_app.view_functions or current_user.role not in (ADMIN, COORDINATOR):
        return None
    return url_for(NUDGE_ENDPOINT, plan_id=plan_id, body_id=body_id)


@bp.app_template_global("figure_meets")
def figure_meets(actual, value) -> bool | None:
    return figures_meet(actual, value)


bp.add_app_template_global(TARGET_STATUS_LABELS, "TARGET_STATUS_LABELS")
bp.add_app_template_global(OUTBOX_STATUS_LABELS, "OUTBOX_STATUS_LABELS")
bp.add_app_template_global(revision_changes, "revision_changes")
