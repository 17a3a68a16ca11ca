"""Entering the yearly actual figures of the plan's targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from gplan.accounts.access import can_enter_figures, require
from gplan.extensions import db
from gplan.models import TargetActual, TargetActualRevision, TargetValue, User
from gplan.reporting.figures import NAMES, parse_figures
from gplan.timeutil import utcnow
from gplan.validation import InputError

FIELDS = ("value", "value_women", "value_men", "source", "note")


def can_enter_actual(user: User, target_value: TargetValue) -> bool:
    """The coordinator may enter or correct anything; a focal point, the figures its body owns."""
    return can_enter_figures(user, target_value.target)


def _snapshot(actual: TargetActual) -> dict[str, Any]:
    """The figures as a revision keeps them; numbers written plainly (117.5, never 117.5000 as
    read back from the column), so one revision's "after" reads like the next one's "before"."""
    return {
        name: (
            format(getattr(actual, name).normalize(), "f")
            if isinstance(getattr(actual, name), Decimal)
            else getattr(actual, name)
        )
        for name in FIELDS
    }


class FigureConflict(Exception):
    """The figure was entered or changed by someone else since the caller read it.

    ``actual`` is the figure as it stands now (None when it was removed).
    """

    def __init__(self, actual: TargetActual | None):
        super().__init__("the figure changed since it was read")
        self.actual = actual


def current_version(actual: TargetActual | None) -> int:
    """The version a client reads and sends back: 0 while there is no figure for the year."""
    return actual.version if actual is not None else 0


def _lock_figures(target_value: TargetValue) -> None:
    """Make writers of ``target_value``'s figures take turns until they commit, so a first entry
    made twice at once is one insert and one update, and every revision's "before" is what the
    previous writer left. (PostgreSQL: a row lock that does not block readers nor inserts
    referring to the value; SQLite's writers already hold the database's write lock.)"""
    db.session.execute(
        select(TargetValue.id).where(TargetValue.id == target_value.id).with_for_update(key_share=True)
    )


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
    expected_version: int | None = None,
) -> TargetActual:
    """Enter or correct the figure of ``target_value`` for ``year``, keeping a revision.

    Figures may be numbers or text as typed (``116,5``, see :mod:`gplan.reporting.figures`).
    ``expected_version`` is the version the caller read (0: no figure yet); when the figure has
    changed since, :class:`FigureConflict` is raised and nothing is written. Raises
    :class:`~gplan.accounts.access.AccessDenied` when ``user`` may not, and
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
    _lock_figures(target_value)
    actual = db.session.scalar(
        select(TargetActual)
        .filter_by(target_value_id=target_value.id, year=year)
        .execution_options(populate_existing=True)
    )
    if expected_version is not None and expected_version != current_version(actual):
        raise FigureConflict(actual)
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
