"""The task tally: how many tasks share each (plan, body, duty, year, progress, on-time, deadline).

The coordinator's summaries count from here instead of from the tasks: a plan of a million
tasks has a few thousand tally rows, because deadlines fall on few distinct dates. A task's
reporting status on any day is read from the same columns (``status_case`` in
``gplan.models.task``), so a tally row has one status on any day, like each of its tasks.

The database keeps it, in the same transaction as every change to a task: triggers on the
task table (``TRIGGERS`` below; created with the tables and by migrations 0010, 0011 and 0020) catch the ORM's
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
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from gplan.extensions import Model, db
from gplan.models.task import Task, on_time_expression
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
    # Done, or closed when its body was retired, no later than the deadline after any extension
    # (false while open); that deadline: together with the progress, all that the reporting
    # status reads (a closed task is closed late when this is false).
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
        "on_time": on_time_expression(Task.completed_on, Task.closed_on, Task.deadline),
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


# ---- the triggers: DDL built once from the constant column names above, never from input (the
# "nosec B608" marks) ------------------------------------------------------------------------

# on_time_expression (gplan.models.task) in SQL text: done or closed no later than the deadline.
_EXPRESSIONS = {
    "on_time": "coalesce(coalesce({r}.completed_on, {r}.closed_on)"
    " <= coalesce({r}.extended_due_on, {r}.due_on), false)",
    "deadline": "coalesce({r}.extended_due_on, {r}.due_on)",
}


def _row_key(row: str, key: tuple[str, ...] = KEY) -> list[str]:
    """The key of one row of the task table (``NEW``, ``OLD`` or a transition table's alias)."""
    return [_EXPRESSIONS.get(column, "{r}." + column).format(r=row) for column in key]


def _conflict(table: str, key: tuple[str, ...]) -> str:
    return f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET tasks = {table}.tasks + excluded.tasks"  # nosec B608


def _sqlite_change(row: str, sign: str) -> str:
    statements = []
    for table, key in TALLIES.items():
        values = _row_key(row, key)
        statements.append(
            f"INSERT INTO {table} ({', '.join(key)}, tasks) VALUES ({', '.join(values)}, {sign}1) "  # nosec B608
            f"{_conflict(table, key)};"
        )
        if sign == "-":
            match = " AND ".join(f"{c} = {v}" for c, v in zip(key, values, strict=True))
            statements.append(f"DELETE FROM {table} WHERE {match} AND tasks = 0;")  # nosec B608
    return "\n  ".join(statements)


_WATCHED = (
    "plan_id, body_id, responsibility_id, year, progress, completed_on, due_on, extended_due_on, closed_on"
)
_CHANGED = " OR ".join(
    f"{old} IS NOT {new}" for old, new in zip(_row_key("OLD"), _row_key("NEW"), strict=True)
)

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN\n  {_sqlite_change('NEW', '+')}\nEND",
    f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN\n  {_sqlite_change('OLD', '-')}\nEND",
    f"CREATE TRIGGER task_tally_update AFTER UPDATE OF {_WATCHED} ON task WHEN {_CHANGED} BEGIN\n"
    f"  {_sqlite_change('OLD', '-')}\n  {_sqlite_change('NEW', '+')}\nEND",
]


def _pg_rows(table: str, sign: str, key: tuple[str, ...]) -> str:
    named = ", ".join(f"{value} AS {column}" for value, column in zip(_row_key("r", key), key, strict=True))
    return f"SELECT {named}, {sign}1 AS tasks FROM {table} r"  # nosec B608


def _pg_add(table: str, key: tuple[str, ...], sources: list[tuple[str, str]]) -> str:
    """Rows added (+1) and removed (-1) by the statement, summed per key; a key whose sum is
    zero (a note edited, a task moved and back) is left alone. Keys are written in order, so
    two transactions touching the same keys lock them in the same order."""
    columns = ", ".join(key)
    rows = " UNION ALL ".join(_pg_rows(source, sign, key) for source, sign in sources)
    return (
        f"INSERT INTO {table} ({columns}, tasks)\n"  # nosec B608
        f"      SELECT {columns}, sum(tasks) FROM ({rows}) AS moved\n"
        f"      GROUP BY {columns} HAVING sum(tasks) <> 0 ORDER BY {columns}\n"
        f"      {_conflict(table, key)};"
    )


def _pg_emptied(table: str, key: tuple[str, ...]) -> str:
    """Rows left counting nothing are removed (only where this statement took tasks away: rows
    it holds locked), so the tally is what a rebuild would write."""
    pairs = f"({', '.join(f't.{c}' for c in key)}) = ({', '.join(f'o.{c}' for c in key)})"
    return f"DELETE FROM {table} t USING ({_pg_rows('old_rows', '-', key)}) o WHERE t.tasks = 0 AND {pairs};"  # nosec B608


def _pg_each(sources: list[tuple[str, str]]) -> str:
    return "\n    ".join(_pg_add(table, key, sources) for table, key in TALLIES.items())


_PG_EMPTIED = "\n    ".join(_pg_emptied(table, key) for table, key in TALLIES.items())
_PG_FUNCTION = f"""CREATE FUNCTION task_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_pg_each([("new_rows", "+")])}
  ELSIF TG_OP = 'DELETE' THEN
    {_pg_each([("old_rows", "-")])}
  ELSE
    {_pg_each([("new_rows", "+"), ("old_rows", "-")])}
  END IF;
  IF TG_OP <> 'INSERT' THEN
    {_PG_EMPTIED}
  END IF;
  RETURN NULL;
END $$"""

POSTGRESQL_TRIGGERS = [
    _PG_FUNCTION,
    "CREATE TRIGGER task_tally_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()",
    "CREATE TRIGGER task_tally_update AFTER UPDATE ON task REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()",
    "CREATE TRIGGER task_tally_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()",
]


TRIGGERS = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}


def _ddl(statement: str, dialect: str) -> DDL:
    return DDL(statement).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


for _dialect, _statements in TRIGGERS.items():
    for _statement in _statements:
        event.listen(Model.metadata, "after_create", _ddl(_statement, _dialect))
event.listen(
    Model.metadata, "after_drop", _ddl("DROP FUNCTION IF EXISTS task_tally_count() CASCADE", "postgresql")
)
