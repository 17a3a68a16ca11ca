"""Targets with their yearly actual figures, and entering a figure."""

from flask import abort
from flask_babel import gettext
from flask_smorest import abort as api_abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_view_target, require
from gplan.api.auth import api_user
from gplan.api.blueprint import documented_errors, resource_blueprint
from gplan.api.inputs import ActualInputSchema
from gplan.api.progress_schemas import ActualSchema, TargetListSchema, TargetSchema
from gplan.api.resources.plans import get_plan
from gplan.extensions import db
from gplan.models import Objective, Target, TargetActual, TargetValue
from gplan.reporting.actuals import FigureConflict, record_actual
from gplan.reporting.targets import targets_scope

bp = resource_blueprint("Targets", __name__, "The plan's targets and the figures reached each year.")


def _with_actuals(targets: list[Target]) -> list[Target]:
    """Give each value its actuals (by year) as a plain attribute the schema lists: one query
    for all values instead of one per value."""
    value_ids = [v.id for t in targets for v in t.values]
    actuals: dict[int, list[TargetActual]] = {}
    if value_ids:
        query = (
            select(TargetActual)
            .where(TargetActual.target_value_id.in_(value_ids))
            .options(selectinload(TargetActual.entered_by))
            .order_by(TargetActual.year)
        )
        for actual in db.session.scalars(query):
            actuals.setdefault(actual.target_value_id, []).append(actual)
    for target in targets:
        for value in target.values:
            value.actuals = actuals.get(value.id, [])  # type: ignore[attr-defined]  # not a column: for the schema
    return targets


def _targets_query():
    return select(Target).options(
        selectinload(Target.values), selectinload(Target.objective), selectinload(Target.owner_body)
    )


@bp.get("/plans/<int(max=2147483647):plan_id>/targets")
@bp.response(200, TargetListSchema)
@documented_errors(bp, 401, 403, 404)
def targets(plan_id: int):
    """The plan's targets by objective, each value with its actual figures year by year.

    As on the targets page, a focal point gets the targets its body reports (403 when it
    reports none).
    """
    plan = get_plan(plan_id)
    owner = targets_scope(api_user(), plan)
    query = (
        _targets_query()
        .join(Objective)
        .where(Objective.plan_id == plan_id)
        .order_by(Objective.number, Target.number)
    )
    if owner is not None:
        query = query.where(Target.owner_body_id == owner)
    return {"items": _with_actuals(list(db.session.scalars(query)))}


@bp.get("/targets/<int(max=2147483647):target_id>")
@bp.response(200, TargetSchema)
@documented_errors(bp, 401, 403, 404)
def target(target_id: int):
    """One target with its values and their actual figures (for a focal point: one its body
    reports, else 403)."""
    found = db.session.scalar(_targets_query().where(Target.id == target_id)) or abort(404)
    require(can_view_target(api_user(), found))
    return _with_actuals([found])[0]


@bp.put("/target-values/<int(max=2147483647):value_id>/actuals/<int(max=2147483647):year>")
@bp.arguments(ActualInputSchema)
@bp.response(200, ActualSchema)
@documented_errors(bp, 400, 401, 403, 404, 409, 413, 415)
def put_actual(figures: dict, value_id: int, year: int):
    """Enter or correct the figure a target value reached in a year (a revision is kept).

    The coordinator may enter any figure; a focal point, those of targets its body reports.
    The year may be the plan's baseline year (the one before the period) or any year of it.
    Send the `version` you read (0 when there was no figure) to be told (409) when someone
    else entered or changed it in between.
    """
    value = db.session.get(TargetValue, value_id) or abort(404)
    expected = figures.pop("version", None)
    try:
        actual = record_actual(api_user(), value, year, expected_version=expected, **figures)
    except FigureConflict:
        db.session.rollback()
        api_abort(409, message=gettext("The figure was changed since you read it: read it again."))
    db.session.commit()
    return actual
