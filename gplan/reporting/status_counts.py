"""Counting tasks by status: the reporting categories and the GROUP BY that fills them.

The counts come from the task tally (``gplan.models.tally``), kept by the database with every
change to a task, and every status from :func:`~gplan.models.task.status_case`, the rule
``Task.status_on`` applies, so the views agree with the task pages and with each other at any
size. No query is issued per body, per year or per task.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Column, ColumnElement, Date, Integer, bindparam, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import visitors

from gplan.extensions import db
from gplan.models import Plan, Task
from gplan.models.tally import TaskBodyTally, TaskTally, on_tally
from gplan.models.task import status_case, status_expression
from gplan.tasks.vocabulary import TaskStatus


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
    def closed_in_time(self) -> int:
        """Closed when their body was retired, before they fell due: no longer asked of anyone."""
        return self._counts[TaskStatus.CLOSED]

    @property
    def expected(self) -> int:
        """The tasks asked of someone: all but those closed in time. One closed when overdue
        was asked and not done, and stays counted."""
        return self.total - self.closed_in_time

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
    return read_counts(
        db.session.execute(count_statement(plan_id, today, source, keys, where, outerjoin, year or None))
    )


def read_counts(rows: Iterable[Any]) -> dict[tuple[Any, ...], StatusCounts]:
    """The rows of a counting statement (its keys, a status, a number) as counts per key."""
    result: dict[tuple[Any, ...], StatusCounts] = {}
    for *key, status_name, count in rows:
        result.setdefault(tuple(key), StatusCounts()).add(status_name, int(count))
    return result


def count_statement(
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
    return read_counts(rows).get((), StatusCounts())


@cache
def _totals(by_year: bool, by_body: bool) -> Any:
    """:func:`status_totals`' statement, built once: its values are bound when it runs (most
    pages ask for it, and building it cost more than running it)."""
    where = [Task.body_id.in_(bindparam("body_ids", expanding=True))] if by_body else []
    return count_statement(
        bindparam("plan_id", type_=Integer()),
        bindparam("today", type_=Date()),
        TaskBodyTally,
        [],
        [on_tally(condition, TaskBodyTally) for condition in where],
        None,
        bindparam("year", type_=Integer()) if by_year else None,
    )
