"""Entering the yearly actual figures of the plan's targets."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from gplan.accounts.access import require
from gplan.extensions import db
from gplan.models import TargetActual, TargetActualRevision, TargetValue, User
from gplan.reporting.figures import NAMES, parse_figures
from gplan.timeutil import utcnow
from gplan.validation import InputError

FIELDS = ("value", "value_women", "value_men", "source", "note")


def can_enter_actual(user: User, target_value: TargetValue) -> bool:
    """The coordinator may enter or correct anything; a focal point, the figures its body owns."""
    if user.edits_all_progress:
        return True
    owner = target_value.target.owner_body_id
    return user.is_focal_point and owner is not None and owner == user.body_id


def _snapshot(actual: TargetActual) -> dict:
    return {
        name: (
            str(getattr(actual, name))
            if isinstance(getattr(actual, name), Decimal)
            else getattr(actual, name)
        )
        for name in FIELDS
    }


def record_actual(
    user: User,
    target_value: TargetValue,
    year: int,
    *,
    value: Decimal | str | None = None,
    value_women: Decimal | str | None = None,
    value_men: Decimal | str | None = None,
    source: str | None = None,
    note: str | None = None,
) -> TargetActual:
    """Enter or correct the figure of ``target_value`` for ``year``, keeping a revision.

    Figures may be numbers or text as typed (``116,5``, see :mod:`gplan.reporting.figures`).
    Raises :class:`~gplan.accounts.access.AccessDenied` when ``user`` may not, and
    :class:`~gplan.validation.InputError` when the year is outside the plan period (the
    baseline year before it included), a figure is not a number, or none is given. The caller
    commits.
    """
    require(can_enter_actual(user, target_value))
    plan = target_value.target.objective.plan
    if not plan.period_start - 1 <= year <= plan.period_end:
        message = gettext(
            "The year must be between %(start)d and %(end)d.",
            start=plan.period_start - 1,
            end=plan.period_end,
        )
        raise InputError(message, "year")
    figures = parse_figures(value=value, value_women=value_women, value_men=value_men)
    actual = db.session.scalar(select(TargetActual).filter_by(target_value_id=target_value.id, year=year))
    before = None
    if actual is None:
        actual = TargetActual(target_value=target_value, year=year)
        db.session.add(actual)
    else:
        before = _snapshot(actual)
    actual.value, actual.value_women, actual.value_men = (figures[name] for name in NAMES)
    actual.source, actual.note = source or None, note or None
    actual.entered_by_id, actual.entered_at = user.id, utcnow()
    db.session.add(
        TargetActualRevision(
            actual=actual, user_id=user.id, at=actual.entered_at, before=before, after=_snapshot(actual)
        )
    )
    db.session.flush()
    return actual
