"""Progress summaries for the API: per body and per year, built on the same GROUP BY counts as
the coordinator's pages (``progress_summary``), so the two always agree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gplan.models import Body, Plan, Task
from gplan.reporting.overview import ordered_bodies
from gplan.reporting.status_counts import StatusCounts, count_statuses


@dataclass
class BodyProgress:
    body: Body
    counts: StatusCounts


@dataclass
class YearProgress:
    year: int
    counts: StatusCounts


def _total(cells: Iterable[StatusCounts]) -> StatusCounts:
    total = StatusCounts()
    for counts in cells:
        total.merge(counts)
    return total


def _only(body_ids: set[int] | None) -> list[Any]:
    return [] if body_ids is None else [Task.body_id.in_(body_ids)]


def progress_by_body(
    plan: Plan, today: date, year: int | None = None, body_ids: set[int] | None = None
) -> tuple[list[BodyProgress], StatusCounts]:
    """One row per task-holding body (limited to ``body_ids`` when given), in the plan's order,
    and the totals. ``year`` limits the count to tasks of that year."""
    cells = count_statuses(plan, today, [Task.body_id], year=year, where=_only(body_ids))
    bodies = ordered_bodies(plan, (key[0] for key in cells))
    rows = [
        BodyProgress(body, cells.get((body.id,), StatusCounts()))
        for body in bodies
        if body_ids is None or body.id in body_ids
    ]
    return rows, _total(cells.values())


def progress_by_year(
    plan: Plan, today: date, body_ids: set[int] | None = None
) -> tuple[list[YearProgress], StatusCounts]:
    """One row per year of the plan (and any later year holding tasks), and the totals."""
    cells = count_statuses(plan, today, [Task.year], where=_only(body_ids))
    years = sorted(set(plan.years) | {key[0] for key in cells})
    rows = [YearProgress(year, cells.get((year,), StatusCounts())) for year in years]
    return rows, _total(cells.values())
