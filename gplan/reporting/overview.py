"""The coordinator's overview: per body, its tasks in each reporting category, in the plan's
order of bodies (Section IV), with the sorting the overview's columns offer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Date, Integer, bindparam, select

from gplan.collation import by_name
from gplan.extensions import db
from gplan.models import Body, Plan
from gplan.models.tally import TaskBodyTally
from gplan.plans.queries import task_holding_bodies
from gplan.reporting.status_counts import StatusCounts, count_statement, read_counts
from gplan.tasks.vocabulary import TaskStatus


@cache
def _per_body(by_year: bool) -> Any:
    """:func:`overview`'s statement (``count_statuses`` by body), built once like
    ``status_totals``' statement: the coordinator's first page asks it on every visit."""
    return count_statement(
        bindparam("plan_id", type_=Integer()),
        bindparam("today", type_=Date()),
        TaskBodyTally,
        [TaskBodyTally.body_id],
        [],
        None,
        bindparam("year", type_=Integer()) if by_year else None,
    )


@dataclass
class BodyRow:
    body: Body
    counts: StatusCounts
    position: int


def _task_holders(plan: Plan) -> list[Body]:
    """``task_holding_bodies``, looked up once per request: an export builds several views."""
    if not has_request_context():
        return task_holding_bodies(plan)
    cache = g.setdefault("_task_holders", {})
    if plan.id not in cache:
        cache[plan.id] = task_holding_bodies(plan)
    bodies: list[Body] = cache[plan.id]
    return bodies


def ordered_bodies(plan: Plan, with_tasks: Iterable[int]) -> list[Body]:
    """The plan's task-holding bodies in Section IV order, then any other body holding tasks
    (e.g. tasks kept after a body left the plan), so that totals still add up."""
    bodies = list(_task_holders(plan))
    known = {body.id for body in bodies}
    missing = set(with_tasks) - known
    if missing:
        bodies += by_name(db.session.scalars(select(Body).where(Body.id.in_(missing))), lambda b: b.name)
    return bodies


SORT_KEYS = ("late", "body", "total", "completion", *TaskStatus.values())


def sort_rows(rows: list[BodyRow], key: str, descending: bool, locale: str = "vi") -> list[BodyRow]:
    """Sort the overview. ``late`` puts the bodies with the most overdue tasks first (ties go
    to the larger overdue share, then the larger late-done share); a status column sorts by
    its count, its share breaking ties; ``body`` sorts by the name shown, in the alphabetical
    order of ``locale``."""
    if key == "body":
        return by_name(rows, lambda r: r.body.display_name(locale), locale, reverse=descending)
    if key == "total":
        return sorted(rows, key=lambda r: (r.counts.total, -r.position), reverse=descending)
    if key == "completion":
        return sorted(rows, key=lambda r: (r.counts.completion or 0, -r.position), reverse=descending)
    if key in TaskStatus.values():
        return sorted(
            rows,
            key=lambda r: (r.counts.count(key), r.counts.share(key) or 0, -r.position),
            reverse=descending,
        )
    ranked = sorted(
        rows,
        key=lambda r: (
            r.counts.overdue,
            r.counts.share(TaskStatus.OVERDUE) or 0,
            r.counts.share(TaskStatus.DONE_LATE) or 0,
            -r.position,
        ),
        reverse=True,
    )
    return ranked if descending else ranked[::-1]


@dataclass
class Overview:
    year: int | None
    rows: list[BodyRow]
    total: StatusCounts


def overview(plan: Plan, today: date, year: int | None = None) -> Overview:
    """Per body, its tasks in each reporting category, for ``year`` or the whole period."""
    params = {"plan_id": plan.id, "today": today, "year": year}
    counts = read_counts(db.session.execute(_per_body(bool(year)), params))
    bodies = ordered_bodies(plan, (key[0] for key in counts))
    rows = [BodyRow(body, counts.get((body.id,), StatusCounts()), i) for i, body in enumerate(bodies)]
    total = StatusCounts()
    for row in rows:
        total.merge(row.counts)
    return Overview(year, rows, total)
