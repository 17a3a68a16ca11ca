"""Counting tasks by status for the coordinator's views: a few GROUP BY queries per page.

The counts come from the task tally (``gplan.models.tally``), kept by the database with every
change to a task, and every status from :func:`~gplan.models.task.status_case`, the rule
``Task.status_on`` applies, so the views agree with the task pages and with each other at any
size. No query is issued per body, per year or per task.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Column, ColumnElement, Date, Integer, bindparam, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import visitors

from gplan.collation import by_name
from gplan.extensions import db
from gplan.models import Activity, Body, Objective, Plan, Responsibility, Task
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.models.tally import TaskBodyTally, TaskTally, on_tally
from gplan.models.task import status_case, status_expression
from gplan.plans.queries import task_holding_bodies
from gplan.tasks.vocabulary import TaskStatus

NOT_LINKED = 0  # the column of tasks serving no objective (or no activity)


class StatusCounts:
    """How many tasks are in each reporting category (every :class:`TaskStatus`, zero when
    none); shares are of ``total``."""

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts = dict.fromkeys(TaskStatus, 0)

    def add(self, status: str, count: int) -> None:
        self._counts[TaskStatus(status)] += count

    def merge(self, other: StatusCounts) -> None:
        for status, count in other._counts.items():
            self._counts[status] += count

    def count(self, status: str) -> int:
        return self._counts[TaskStatus(status)]

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    @property
    def done(self) -> int:
        return sum(count for status, count in self._counts.items() if status.is_done)

    @property
    def overdue(self) -> int:
        return self._counts[TaskStatus.OVERDUE]

    def share(self, status: str) -> float | None:
        total = self.total
        return self.count(status) / total if total else None

    @property
    def closed_late(self) -> int:
        """Closed when their body was retired, already past their deadline: never done."""
        return self._counts[TaskStatus.CLOSED_LATE]

    @property
    def expected(self) -> int:
        """The tasks asked of someone: all but those closed when their body was retired before
        they fell due. One closed when overdue was asked and not done, and stays counted."""
        return self.total - self._counts[TaskStatus.CLOSED]

    @property
    def completion(self) -> float | None:
        """Done (on time or late) out of the tasks expected; None when none is."""
        expected = self.expected
        return self.done / expected if expected else None

    @property
    def nothing_due_yet(self) -> bool:
        """No task done and none past its deadline (open or closed when overdue): too early to
        judge."""
        return self.expected > 0 and self.done == 0 and self.overdue == 0 and self.closed_late == 0

    def items(self) -> list[tuple[TaskStatus, int]]:
        return list(self._counts.items())


def count_statuses(
    plan: Plan,
    today: date,
    keys: Iterable[ColumnElement[Any] | InstrumentedAttribute[Any]],
    *,
    year: int | None = None,
    where: Iterable[ColumnElement[Any]] = (),
    outerjoin: tuple[Any, ...] | None = None,
) -> dict[tuple[Any, ...], StatusCounts]:
    """One GROUP BY query: the plan's tasks counted by ``keys`` and status.

    ``keys``, ``where`` and ``outerjoin`` are written over the task table; they are read from
    the first task tally holding every column they name: per body (plan, body, year) or per
    body and duty (with the duty, for objectives and activities), each holding all that the
    status reads. Anything else is counted on the tasks.
    """
    keys, where = list(keys), list(where)
    for tally in (TaskBodyTally, TaskTally):
        try:
            on = outerjoin and (outerjoin[0], on_tally(outerjoin[1], tally))
            tallied = [on_tally(key, tally) for key in keys], [on_tally(c, tally) for c in where], on
        except KeyError:
            continue
        return _count(plan.id, today, tally, *tallied, year)
    return _count(plan.id, today, Task, keys, where, outerjoin, year)


def _count(
    plan_id: int,
    today: date,
    source: Any,
    keys: list[Any],
    where: list[Any],
    outerjoin: tuple[Any, Any] | None,
    year: int | None,
) -> dict[tuple[Any, ...], StatusCounts]:
    return _counts(
        db.session.execute(_statement(plan_id, today, source, keys, where, outerjoin, year or None))
    )


def _counts(rows: Iterable[Any]) -> dict[tuple[Any, ...], StatusCounts]:
    result: dict[tuple[Any, ...], StatusCounts] = {}
    for *key, status_name, count in rows:
        result.setdefault(tuple(key), StatusCounts()).add(status_name, int(count))
    return result


def _statement(
    plan_id: Any,
    today: Any,
    source: Any,
    keys: list[Any],
    where: list[Any],
    outerjoin: tuple[Any, Any] | None,
    year: Any,
) -> Any:
    """The statement of :func:`count_statuses`; ``plan_id``, ``today`` and ``year`` may be
    bound parameters."""
    # The status is computed in a subquery and grouped by name, because PostgreSQL cannot
    # match a GROUP BY expression whose date parameter is bound twice.
    if source is not Task:
        status = status_case(today, source.progress, source.on_time, source.deadline)
        tasks: ColumnElement[int] = source.tasks.expression
    else:
        status, tasks = status_expression(today), literal(1)
    table = getattr(source, "__table__", source)
    where = [table.c.plan_id == plan_id, *where] + ([table.c.year == year] if year is not None else [])
    if outerjoin and source is TaskTally:
        with suppress(KeyError):  # a key naming more than body, duty and year: join every row
            table, keys, outerjoin = _per_status(status, tasks, where, outerjoin, keys)
            status, tasks, where = table.c.status, table.c.n, []
    inner = select(
        *(key.label(f"k{i}") for i, key in enumerate(keys)), status.label("status"), tasks.label("n")
    )
    inner = inner.select_from(table)
    if outerjoin:
        inner = inner.outerjoin(*outerjoin)
    rows = inner.where(*where).subquery()
    grouped = [rows.c[f"k{i}"] for i in range(len(keys))] + [rows.c.status]
    return select(*grouped, func.sum(rows.c.n)).group_by(*grouped).having(func.sum(rows.c.n) != 0)


def _per_status(
    status: Any, tasks: Any, where: list[Any], outerjoin: tuple[Any, Any], keys: list[Any]
) -> tuple[Any, list[Any], tuple[Any, Any]]:
    """The duty tally summed per body, duty, year and status before it meets the duties'
    objectives or activities (``outerjoin``), which then joins a few thousand rows rather than
    one per deadline. ``where`` names the tally only. Returns that subquery, with ``keys`` and
    the join condition read from it."""
    columns = [TaskTally.plan_id, TaskTally.body_id, TaskTally.responsibility_id, TaskTally.year]
    rows = select(*columns, status.label("status"), tasks.label("n")).where(*where).subquery()
    names = [*(c.key for c in columns), "status"]
    by = [rows.c[name] for name in names]
    summed = select(*by, func.sum(rows.c.n).label("n")).group_by(*by).subquery()

    def from_summed(clause: Any) -> Any:
        def replace(element: Any) -> Any:
            if isinstance(element, Column) and element.table is TaskTally.__table__:
                return summed.c[element.name]  # KeyError for a column summed away
            return None

        return visitors.replacement_traverse(clause, {}, replace)  # type: ignore[call-overload]

    return summed, [from_summed(key) for key in keys], (outerjoin[0], from_summed(outerjoin[1]))


def status_totals(
    plan: Plan, today: date, year: int | None = None, body_ids: set[int] | None = None
) -> StatusCounts:
    """The plan's tasks (of ``body_ids`` unless None) in each reporting category."""
    params = {"plan_id": plan.id, "today": today, "year": year, "body_ids": sorted(body_ids or ())}
    rows = db.session.execute(_totals(bool(year), body_ids is not None), params)
    return _counts(rows).get((), StatusCounts())


@cache
def _totals(by_year: bool, by_body: bool) -> Any:
    """:func:`status_totals`' statement, built once: its values are bound when it runs (most
    pages ask for it, and building it cost more than running it)."""
    where = [Task.body_id.in_(bindparam("body_ids", expanding=True))] if by_body else []
    return _statement(
        bindparam("plan_id", type_=Integer()),
        bindparam("today", type_=Date()),
        TaskBodyTally,
        [],
        [on_tally(condition, TaskBodyTally) for condition in where],
        None,
        bindparam("year", type_=Integer()) if by_year else None,
    )


@cache
def _per_body(by_year: bool) -> Any:
    """:func:`overview`'s statement (``count_statuses`` by body), built once like
    :func:`_totals`: the coordinator's first page asks it on every visit."""
    return _statement(
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
    counts = _counts(db.session.execute(_per_body(bool(year)), params))
    bodies = ordered_bodies(plan, (key[0] for key in counts))
    rows = [BodyRow(body, counts.get((body.id,), StatusCounts()), i) for i, body in enumerate(bodies)]
    total = StatusCounts()
    for row in rows:
        total.merge(row.counts)
    return Overview(year, rows, total)


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
