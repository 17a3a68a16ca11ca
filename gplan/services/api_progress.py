"""Progress summaries of a plan: task counts by reporting status, per body and per year.

Counted in the database with :func:`status_expression`, the SQL twin of ``Task.status_on``,
so they agree with every page that shows a task's status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Body, Plan, Task
from ..models.task import STATUSES, status_expression
from .plans import task_holding_bodies


@dataclass
class Counts:
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, status: str, count: int) -> None:
        self.by_status[status] += count

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def done(self) -> int:
        return self.by_status["done_on_time"] + self.by_status["done_late"]


@dataclass
class BodyProgress:
    body: Body
    counts: Counts


@dataclass
class YearProgress:
    year: int
    counts: Counts


def _scoped(query, plan: Plan, body_ids: set[int] | None, year: int | None):
    query = query.where(Task.plan_id == plan.id)
    if body_ids is not None:
        query = query.where(Task.body_id.in_(body_ids))
    if year is not None:
        query = query.where(Task.year == year)
    return query


def progress_by_body(
    plan: Plan, today: date, year: int | None = None, body_ids: set[int] | None = None
) -> tuple[list[BodyProgress], Counts]:
    """One row per task-holding body (limited to ``body_ids`` when given), in the plan's order,
    and the totals. ``year`` limits the count to tasks of that year."""
    status = status_expression(today)
    query = _scoped(
        select(Task.body_id, status.label("status"), func.count(Task.id)).group_by(Task.body_id, status),
        plan,
        body_ids,
        year,
    )
    counts: dict[int, Counts] = {}
    total = Counts()
    for body_id, status_name, count in db.session.execute(query):
        counts.setdefault(body_id, Counts()).add(status_name, count)
        total.add(status_name, count)
    bodies = [b for b in task_holding_bodies(plan) if body_ids is None or b.id in body_ids]
    known = {b.id for b in bodies}
    # Bodies holding only ad-hoc tasks are not among the plan's listed bodies; count them too.
    extra = [db.session.get(Body, body_id) for body_id in counts if body_id not in known]
    rows = [BodyProgress(b, counts.get(b.id, Counts())) for b in bodies + sorted(extra, key=lambda b: b.name)]
    return rows, total


def progress_by_year(
    plan: Plan, today: date, body_ids: set[int] | None = None
) -> tuple[list[YearProgress], Counts]:
    """One row per year of the plan (and any later year holding tasks), and the totals."""
    status = status_expression(today)
    query = _scoped(
        select(Task.year, status.label("status"), func.count(Task.id)).group_by(Task.year, status),
        plan,
        body_ids,
        None,
    )
    counts: dict[int, Counts] = {year: Counts() for year in plan.years}
    total = Counts()
    for year, status_name, count in db.session.execute(query):
        counts.setdefault(year, Counts()).add(status_name, count)
        total.add(status_name, count)
    return [YearProgress(year, counts[year]) for year in sorted(counts)], total
