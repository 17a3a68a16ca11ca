"""The heatmaps' matrices: bodies × years, × objectives or × activities, with status counts
per cell; and one row or column of them drilled down (a body's years, a theme's bodies and
duties). Each is read with one or two GROUP BY queries (``count_statuses``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from gplan.extensions import db
from gplan.models import Activity, Body, Objective, Plan, Responsibility, Task
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.reporting.overview import BodyRow, ordered_bodies
from gplan.reporting.status_counts import StatusCounts, count_statuses

NOT_LINKED = 0  # the column of tasks serving no objective (or no activity)


@dataclass
class Matrix:
    """Bodies down, columns across (years, objectives or activities), status counts per cell.

    ``row_totals`` counts each body's tasks once, even where a task serves several columns.
    """

    rows: list[Body]
    columns: list[Any]
    cells: dict[tuple[int, object], StatusCounts]
    row_totals: dict[int, StatusCounts]
    column_totals: dict[object, StatusCounts] = field(default_factory=dict)
    total: StatusCounts = field(default_factory=StatusCounts)

    def cell(self, body_id: int, column: Any) -> StatusCounts:
        return self.cells.get((body_id, column), StatusCounts())

    def row_total(self, body_id: int) -> StatusCounts:
        return self.row_totals.get(body_id, StatusCounts())

    def column_total(self, column: Any) -> StatusCounts:
        return self.column_totals.get(column, StatusCounts())


def _matrix(
    plan: Plan, columns: list[Any], cells: dict[tuple[Any, ...], StatusCounts], row_totals: Any
) -> Matrix:
    bodies = ordered_bodies(plan, row_totals)
    matrix = Matrix(bodies, columns, cells, row_totals)
    for (_, column), counts in cells.items():
        matrix.column_totals.setdefault(column, StatusCounts()).merge(counts)
    for counts in row_totals.values():
        matrix.total.merge(counts)
    return matrix


def year_matrix(plan: Plan, today: date) -> Matrix:
    """Bodies × the plan's years, from one query; the row totals are the sums over the years."""
    cells = count_statuses(plan, today, [Task.body_id, Task.year])
    row_totals: dict[int, StatusCounts] = {}
    for (body_id, _), counts in cells.items():
        row_totals.setdefault(body_id, StatusCounts()).merge(counts)
    years = sorted(set(plan.years) | {year for _, year in cells})
    return _matrix(plan, years, cells, row_totals)


def theme_matrix(plan: Plan, today: date, by: str, year: int | None = None) -> Matrix:
    """Bodies × objectives (``by="objective"``) or × activities, with a last column (key
    ``NOT_LINKED``) for the tasks whose responsibility serves none of them."""
    link = responsibility_objective if by == "objective" else responsibility_activity
    column = link.c.objective_id if by == "objective" else link.c.activity_id
    counts = count_statuses(
        plan,
        today,
        [Task.body_id, func.coalesce(column, NOT_LINKED)],
        year=year,
        outerjoin=(link, link.c.responsibility_id == Task.responsibility_id),
    )
    row_totals = {
        key[0]: value for key, value in count_statuses(plan, today, [Task.body_id], year=year).items()
    }
    themes = plan.objectives if by == "objective" else plan.activities
    columns = [theme.id for theme in themes]
    if any(key[1] == NOT_LINKED for key in counts):
        columns.append(NOT_LINKED)
    return _matrix(plan, columns, counts, row_totals)


def theme_titles(plan: Plan, by: str) -> dict[int, Objective | Activity]:
    return {theme.id: theme for theme in (plan.objectives if by == "objective" else plan.activities)}


def body_years(plan: Plan, body: Body, today: date) -> dict[int, StatusCounts]:
    """One body's counts per year, for its drill-down page."""
    counts = count_statuses(plan, today, [Task.year], where=[Task.body_id == body.id])
    return {key[0]: value for key, value in sorted(counts.items())}


@dataclass
class ThemeProgress:
    """The bodies and duties serving one objective or activity, with their tasks counted."""

    bodies: list[BodyRow]
    duties: list[tuple[Responsibility, StatusCounts]]
    total: StatusCounts


def theme_progress(plan: Plan, today: date, by: str, theme_id: int, year: int | None = None) -> ThemeProgress:
    link = responsibility_objective if by == "objective" else responsibility_activity
    duty_ids = select(link.c.responsibility_id).where(link.c[f"{by}_id"] == theme_id)
    serving = [Task.responsibility_id.in_(duty_ids)]
    by_body = count_statuses(plan, today, [Task.body_id], year=year, where=serving)
    by_duty = count_statuses(plan, today, [Task.responsibility_id], year=year, where=serving)
    bodies = ordered_bodies(plan, (key[0] for key in by_body))
    rows = [BodyRow(b, by_body[(b.id,)], i) for i, b in enumerate(bodies) if (b.id,) in by_body]
    duties = db.session.scalars(
        select(Responsibility).where(Responsibility.id.in_(duty_ids)).order_by(Responsibility.position)
    )
    total = StatusCounts()
    for row in rows:
        total.merge(row.counts)
    return ThemeProgress(rows, [(d, by_duty.get((d.id,), StatusCounts())) for d in duties], total)
