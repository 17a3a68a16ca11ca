"""The plan's targets (chỉ tiêu) with their yearly actuals: status, trend and history.

A target value is *met* when its latest figure satisfies the comparator (≤ 116 is met by 112),
*on track* when it is not met yet but the line through its last two figures (or the baseline
and the figure) reaches the target by the end of the period, *off track* otherwise — and
always off track once a yearly target is missed or the period's last year is missed — and
*no data* without a figure for a year of the period. Where only the women's and men's figures
are given (e.g. "at least 40% for each sex"), each of them must satisfy the comparator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from gplan.accounts import access
from gplan.extensions import db
from gplan.models import Objective, Plan, Target, TargetActual, TargetActualRevision, TargetValue, User
from gplan.reporting.charts import TrendChart, trend_chart
from gplan.reporting.vocabulary import Comparator, Horizon, TargetStatus


def meets(figure: Decimal, comparator: str, target: Decimal) -> bool:
    """Whether ``figure`` satisfies ``comparator target`` (for "<=", lower is better)."""
    return Comparator(comparator).holds(figure, target)


def compared_figures(actual: TargetActual | None) -> list[Decimal]:
    """The figures judged against the target: the value, else each sex's figure given."""
    if actual is None:
        return []
    if actual.value is not None:
        return [actual.value]
    return [v for v in (actual.value_women, actual.value_men) if v is not None]


def figures_meet(actual: TargetActual | None, value: TargetValue) -> bool | None:
    figures = compared_figures(actual)
    if not figures:
        return None
    return all(meets(f, value.comparator, value.value) for f in figures)


def _reaches(last: Decimal, projected: Decimal, comparator: str, target: Decimal) -> bool:
    if comparator == Comparator.EQUAL:
        return min(last, projected) <= target <= max(last, projected)
    return meets(projected, comparator, target)


@dataclass
class Assessment:
    status: TargetStatus
    year: int | None = None  # the year of the figure judged
    projected: list[Decimal] = field(default_factory=list)  # at the period's end, when on/off track by trend


def assess(value: TargetValue, actuals: dict[int, TargetActual], period: tuple[int, int]) -> Assessment:
    """Judge ``value`` from its actuals by year (see the module's docstring)."""
    start, end = period
    years = sorted(y for y, a in actuals.items() if start <= y <= end and compared_figures(a))
    if not years:
        return Assessment(TargetStatus.NO_DATA)
    last_year = years[-1]
    last = actuals[last_year]
    if figures_meet(last, value):
        return Assessment(TargetStatus.MET, last_year)
    if value.horizon_kind == Horizon.YEARLY or last_year >= end:
        return Assessment(TargetStatus.OFF_TRACK, last_year)
    earlier = [y for y in actuals if y < last_year and compared_figures(actuals[y])]
    if earlier:
        first_year, first = max(earlier), compared_figures(actuals[max(earlier)])
    elif value.baseline is not None and value.baseline_year is not None and value.baseline_year < last_year:
        first_year, first = value.baseline_year, [value.baseline] * len(compared_figures(last))
    else:
        return Assessment(TargetStatus.OFF_TRACK, last_year)
    latest = compared_figures(last)
    if len(first) != len(latest):
        return Assessment(TargetStatus.OFF_TRACK, last_year)
    span, ahead = Decimal(last_year - first_year), Decimal(end - last_year)
    projected = [b + (b - a) * ahead / span for a, b in zip(first, latest, strict=True)]
    reached = all(
        _reaches(b, p, value.comparator, value.value) for b, p in zip(latest, projected, strict=True)
    )
    status = TargetStatus.ON_TRACK if reached else TargetStatus.OFF_TRACK
    return Assessment(status, last_year, projected)


@dataclass
class TargetRow:
    value: TargetValue
    actuals: dict[int, TargetActual]
    assessment: Assessment
    chart: TrendChart | None = None

    @property
    def target(self) -> Target:
        return self.value.target

    @property
    def baseline(self) -> tuple[Decimal | None, int | None]:
        """The plan's baseline, else the figure entered for the year before the period."""
        if self.value.baseline is not None:
            return self.value.baseline, self.value.baseline_year
        before = self.actuals.get(self.value.target.objective.plan.period_start - 1)
        return (before.value, before.year) if before and before.value is not None else (None, None)

    @property
    def has_sex_figures(self) -> bool:
        return any(a.value_women is not None or a.value_men is not None for a in self.actuals.values())


def chart_years(plan: Plan) -> list[int]:
    return [plan.period_start - 1, *plan.years]


def chart_for(row: TargetRow, plan: Plan, compact: bool = False) -> TrendChart:
    """The row's figures by year (and women's and men's, when entered) against the target line."""
    series: dict[str, dict[int, Decimal]] = {
        "value": {y: a.value for y, a in row.actuals.items() if a.value is not None}
    }
    baseline, baseline_year = row.baseline
    if baseline is not None and baseline_year in chart_years(plan):
        series["value"].setdefault(baseline_year, baseline)
    if row.has_sex_figures:
        series["women"] = {y: a.value_women for y, a in row.actuals.items() if a.value_women is not None}
        series["men"] = {y: a.value_men for y, a in row.actuals.items() if a.value_men is not None}
    size: dict[str, Any] = {"width": 120, "height": 44, "compact": True} if compact else {}
    return trend_chart(chart_years(plan), series, row.value.value, **size)


def target_values(plan: Plan, owner_body_id: int | None = None) -> list[TargetValue]:
    """The plan's target values in the plan's order, with target, objective and owner loaded."""
    query = (
        select(TargetValue)
        .join(TargetValue.target)
        .join(Target.objective)
        .where(Objective.plan_id == plan.id)
        .options(
            contains_eager(TargetValue.target).contains_eager(Target.objective),
            contains_eager(TargetValue.target).selectinload(Target.owner_body),
        )
        .order_by(Objective.number, Target.number, TargetValue.position)
    )
    if owner_body_id is not None:
        query = query.where(Target.owner_body_id == owner_body_id)
    return list(db.session.scalars(query))


def actuals_by_value(value_ids: list[int]) -> dict[int, dict[int, TargetActual]]:
    result: dict[int, dict[int, TargetActual]] = {}
    if not value_ids:
        return result
    query = (
        select(TargetActual)
        .where(TargetActual.target_value_id.in_(value_ids))
        .options(selectinload(TargetActual.entered_by))
    )
    for actual in db.session.scalars(query):
        result.setdefault(actual.target_value_id, {})[actual.year] = actual
    return result


def target_rows(plan: Plan, owner_body_id: int | None = None, charts: str | None = None) -> list[TargetRow]:
    """Every target value of ``plan`` (or those ``owner_body_id`` reports) with its actuals and
    status, from three queries; ``charts`` is "compact" or "full" to draw each trend."""
    values = target_values(plan, owner_body_id)
    actuals = actuals_by_value([v.id for v in values])
    rows = []
    for value in values:
        row = TargetRow(value, actuals.get(value.id, {}), Assessment(TargetStatus.NO_DATA))
        row.assessment = assess(value, row.actuals, (plan.period_start, plan.period_end))
        if charts:
            row.chart = chart_for(row, plan, compact=charts == "compact")
        rows.append(row)
    return rows


def target_row(value: TargetValue) -> TargetRow:
    plan = value.target.objective.plan
    rows = actuals_by_value([value.id])
    row = TargetRow(value, rows.get(value.id, {}), Assessment(TargetStatus.NO_DATA))
    row.assessment = assess(value, row.actuals, (plan.period_start, plan.period_end))
    row.chart = chart_for(row, plan)
    return row


def revisions(value: TargetValue) -> list[TargetActualRevision]:
    """Every change to ``value``'s figures, newest first, with who made it."""
    return list(
        db.session.scalars(
            select(TargetActualRevision)
            .join(TargetActualRevision.actual)
            .where(TargetActual.target_value_id == value.id)
            .options(contains_eager(TargetActualRevision.actual), selectinload(TargetActualRevision.user))
            .order_by(TargetActualRevision.at.desc(), TargetActualRevision.id.desc())
        )
    )


NUMBER_FIELDS = ("value", "value_women", "value_men")


def _revision_value(name: str, raw: Any) -> Any:
    if raw is None or name not in NUMBER_FIELDS:
        return raw
    return Decimal(raw).normalize()


def revision_changes(revision: TargetActualRevision) -> list[tuple[str, object, object]]:
    """What one revision changed, as (field, before, after); numbers compared by value."""
    changes = []
    for name in (*NUMBER_FIELDS, "source", "note"):
        before = _revision_value(name, (revision.before or {}).get(name))
        after = _revision_value(name, revision.after.get(name))
        if revision.before is None and after is None:
            continue
        if before != after:
            changes.append((name, before, after))
    return changes


def can_view_target(user: User, value: TargetValue) -> bool:
    """Everyone who sees all bodies reads every target; a focal point, those its body reports."""
    return access.can_view_target(user, value.target)


def targets_scope(user: User, plan: Plan) -> int | None:
    """Whose targets ``user`` reads in ``plan``: None for every body's; for a focal point, the
    id of its own body, and AccessDenied when that body reports none of the plan's targets.
    The targets page and the API's target list both ask here."""
    if user.sees_all_bodies:
        return None
    access.require(reports_targets(user, plan))
    return user.body_id


def reports_targets(user: User, plan: Plan) -> bool:
    """Whether ``user`` is a focal point whose body reports one of ``plan``'s targets."""
    if not user.is_focal_point or user.body_id is None:
        return False
    return (
        db.session.scalar(
            select(Target.id)
            .join(Target.objective)
            .where(Objective.plan_id == plan.id, Target.owner_body_id == user.body_id)
            .limit(1)
        )
        is not None
    )
