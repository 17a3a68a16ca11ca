"""The task tally: how many tasks share each (plan, body, duty, year, progress, on-time, deadline).

The coordinator's summaries count from here instead of from the tasks: a plan of a million
tasks has a few thousand tally rows, because deadlines fall on few distinct dates. A task's
reporting status on any day is read from the same columns (``status_case`` in
``gplan.models.task``), so a tally row has one status on any day, like each of its tasks.

The database keeps it, in the same transaction as every change to a task: triggers on the
task table (``TRIGGERS`` below; created with the tables and by migrations 0010 and 0011) catch the ORM's
writes, bulk ``insert()/update()/delete()`` statements, cascades from a deleted plan or duty,
and raw SQL alike. On PostgreSQL one statement-level trigger per change adds the signed counts
of the statement's rows with ``INSERT … ON CONFLICT DO UPDATE`` in key order, so concurrent
ticks wait for each other on the rows they share instead of losing counts or deadlocking.
``rebuild_tally`` (``flask tally rebuild``) recounts it from the tasks, for repair and after a
restore.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    DDL,
    Column,
    ColumnElement,
    Connection,
    ForeignKey,
    PrimaryKeyConstraint,
    delete,
    event,
    false,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from gplan.extensions import Model, db
from gplan.models.task import Task
from gplan.models.types import Vocabulary
from gplan.tasks.vocabulary import TaskProgress

KEY = ("plan_id", "body_id", "responsibility_id", "year", "progress", "on_time", "deadline")
BODY_KEY = tuple(c for c in KEY if c != "responsibility_id")


class _Counted:
    """The key columns both tallies share, and the count."""

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    body_id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    progress: Mapped[TaskProgress] = mapped_column(Vocabulary(TaskProgress), primary_key=True)
    # Done no later than the deadline after any extension (false while open); that deadline:
    # together with the progress, all that the reporting status reads.
    on_time: Mapped[bool] = mapped_column(primary_key=True)
    deadline: Mapped[date] = mapped_column(primary_key=True)
    tasks: Mapped[int]


class TaskBodyTally(_Counted, Model):
    """Per body: what the overview, the years heatmap, a body's years and the overdue count read
    (a few thousand rows, whatever the number of tasks)."""

    __tablename__ = "task_body_tally"
    __table_args__ = (PrimaryKeyConstraint(*BODY_KEY),)


class TaskTally(_Counted, Model):
    """Per body and duty: what the objectives' and activities' pages read (they join a duty's
    objectives and activities)."""

    __tablename__ = "task_tally"
    __table_args__ = (PrimaryKeyConstraint(*KEY),)

    responsibility_id: Mapped[int] = mapped_column(primary_key=True)


# Each tally's table and key, the coarsest first: a count is read from the first that holds
# every column it names.
TALLIES = {
    "task_body_tally": BODY_KEY,
    "task_tally": KEY,
}
MODELS: dict[str, type[TaskBodyTally] | type[TaskTally]] = {
    "task_body_tally": TaskBodyTally,
    "task_tally": TaskTally,
}


def task_key_columns(key: tuple[str, ...] = KEY) -> list[ColumnElement[Any]]:
    """A task's tally key as SQL over the task table (what the triggers compute per row)."""
    columns: dict[str, Any] = {
        "on_time": func.coalesce(Task.completed_on <= Task.deadline, false()),
        "deadline": Task.deadline,
    }
    return [columns[name] if name in columns else getattr(Task, name) for name in key]


def rebuild_tally(plan_id: int | None = None, connection: Connection | None = None) -> int:
    """Recount the tallies (of one plan, or all) from the tasks, in the session's transaction or
    ``connection``'s; returns the rows written. On PostgreSQL the task table is locked against
    writes meanwhile. The caller commits."""
    run = connection if connection is not None else db.session
    if (connection if connection is not None else db.session.get_bind()).dialect.name == "postgresql":
        run.execute(text("LOCK TABLE task IN SHARE MODE"))
    written = 0
    for name, key in TALLIES.items():
        model = MODELS[name]
        gone = delete(model)
        counted = select(*task_key_columns(key), func.count()).group_by(*task_key_columns(key))
        rows = select(func.count()).select_from(model)
        if plan_id is not None:
            gone = gone.where(model.plan_id == plan_id)
            counted = counted.where(Task.plan_id == plan_id)
            rows = rows.where(model.plan_id == plan_id)
        run.execute(gone)
        run.execute(insert(model).from_select([*key, "tasks"], counted))
        written += run.execute(rows).scalar() or 0
    return written


def on_tally(clause: Any, model: type[_Counted] = TaskTally) -> Any:
    """``clause``, written over the task table, read from the tally ``model`` instead: each
    task column becomes the tally's column of that name. Raises KeyError for a column the
    tally lacks."""
    tally = model.__table__  # type: ignore[attr-defined]

    def replace(element: Any) -> Any:
        if isinstance(element, Column) and element.table is Task.__table__:
            return tally.c[element.name]
        return None

    clause = getattr(clause, "expression", clause)
    return visitors.replacement_traverse(clause, {}, replace)  # type: ignore[call-overload]


def tally_sum(where: list[ColumnElement[bool]]) -> Any:
    """The statement counting the tasks that match ``where`` (conditions over the task table),
    summed from the first tally holding every column they name; None when none does (count
    the tasks then)."""
    for model in (TaskBodyTally, TaskTally):
        try:
            conditions = [on_tally(condition, model) for condition in where]
        except KeyError:
            continue
        return select(func.coalesce(func.sum(model.tasks), 0)).where(*conditions)
    return None
