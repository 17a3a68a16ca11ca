"""The task tally: how many tasks share each (plan, body, duty, year, progress, on-time, deadline).

The coordinator's summaries count from here instead of from the tasks: a plan of a million
tasks has a few thousand tally rows, because deadlines fall on few distinct dates. A task's
reporting status on any day is read from the same columns (``status_case`` in
``gplan.models.task``), so a tally row has one status on any day, like each of its tasks.

The database keeps it, in the same transaction as every change to a task: triggers on the
task table (``TRIGGERS`` below; created with the tables and by migration 0009) catch the ORM's
writes, bulk ``insert()/update()/delete()`` statements, cascades from a deleted plan or duty,
and raw SQL alike. On PostgreSQL one statement-level trigger per change adds the signed counts
of the statement's rows with ``INSERT … ON CONFLICT DO UPDATE`` in key order, so concurrent
ticks wait for each other on the rows they share instead of losing counts or deadlocking.
``rebuild_tally`` (``flask tally rebuild``) recounts it from the tasks, for repair and after a
restore.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import DDL, Column, ForeignKey, delete, event, false, func, insert, select, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from gplan.extensions import Model, db
from gplan.models.task import Task
from gplan.models.types import Vocabulary
from gplan.tasks.vocabulary import TaskProgress


class TaskTally(Model):
    __tablename__ = "task_tally"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    body_id: Mapped[int] = mapped_column(primary_key=True)
    responsibility_id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    progress: Mapped[TaskProgress] = mapped_column(Vocabulary(TaskProgress), primary_key=True)
    # Done no later than the original due date (false while open); the deadline after any
    # extension: together with the progress, all that the reporting status reads.
    on_time: Mapped[bool] = mapped_column(primary_key=True)
    deadline: Mapped[date] = mapped_column(primary_key=True)
    tasks: Mapped[int]


KEY = ("plan_id", "body_id", "responsibility_id", "year", "progress", "on_time", "deadline")


def task_key_columns() -> list:
    """A task's tally key as SQL over the task table (what the triggers compute per row)."""
    return [
        Task.plan_id,
        Task.body_id,
        Task.responsibility_id,
        Task.year,
        Task.progress,
        func.coalesce(Task.completed_on <= Task.due_on, false()),
        Task.deadline,
    ]


def rebuild_tally(plan_id: int | None = None, connection=None) -> int:
    """Recount the tally (of one plan, or all) from the tasks, in the session's transaction or
    ``connection``'s; returns the rows written. On PostgreSQL the task table is locked against
    writes meanwhile. The caller commits."""
    run = connection if connection is not None else db.session
    if (connection if connection is not None else db.session.get_bind()).dialect.name == "postgresql":
        run.execute(text("LOCK TABLE task IN SHARE MODE"))
    gone = delete(TaskTally)
    counted = select(*task_key_columns(), func.count()).group_by(*task_key_columns())
    written = select(func.count()).select_from(TaskTally)
    if plan_id is not None:
        gone = gone.where(TaskTally.plan_id == plan_id)
        counted = counted.where(Task.plan_id == plan_id)
        written = written.where(TaskTally.plan_id == plan_id)
    run.execute(gone)
    run.execute(insert(TaskTally).from_select([*KEY, "tasks"], counted))
    return run.execute(written).scalar() or 0


def on_tally(clause):
    """``clause``, written over the task table, read from the tally instead: each task column
    becomes the tally's column of that name. Raises KeyError for a column the tally lacks."""
    tally = TaskTally.__table__

    def replace(element):
        if isinstance(element, Column) and element.table is Task.__table__:
            return tally.c[element.name]
        return None

    clause = getattr(clause, "expression", clause)
    return visitors.replacement_traverse(clause, {}, replace)  # type: ignore[call-overload]


# ---- the triggers: DDL built once from the constant column names above, never from input (the
# "nosec B608" marks) ------------------------------------------------------------------------

_COLUMNS = ", ".join(KEY)
_CONFLICT = f"ON CONFLICT ({_COLUMNS}) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks"  # nosec B608


def _row_key(row: str) -> list[str]:
    """The key of one row of the task table (``NEW``, ``OLD`` or a transition table's alias)."""
    return [
        *(f"{row}.{column}" for column in KEY[:5]),
        f"coalesce({row}.completed_on <= {row}.due_on, false)",
        f"coalesce({row}.extended_due_on, {row}.due_on)",
    ]


def _sqlite_change(row: str, sign: str) -> str:
    key = _row_key(row)
    match = " AND ".join(f"{column} = {value}" for column, value in zip(KEY, key, strict=True))
    change = f"INSERT INTO task_tally ({_COLUMNS}, tasks) VALUES ({', '.join(key)}, {sign}1) {_CONFLICT};"  # nosec B608
    return change if sign == "+" else f"{change}\n  DELETE FROM task_tally WHERE {match} AND tasks = 0;"  # nosec B608


_WATCHED = "plan_id, body_id, responsibility_id, year, progress, completed_on, due_on, extended_due_on"
_CHANGED = " OR ".join(
    f"{old} IS NOT {new}" for old, new in zip(_row_key("OLD"), _row_key("NEW"), strict=True)
)

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN\n  {_sqlite_change('NEW', '+')}\nEND",
    f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN\n  {_sqlite_change('OLD', '-')}\nEND",
    f"CREATE TRIGGER task_tally_update AFTER UPDATE OF {_WATCHED} ON task WHEN {_CHANGED} BEGIN\n"
    f"  {_sqlite_change('OLD', '-')}\n  {_sqlite_change('NEW', '+')}\nEND",
]


def _pg_rows(table: str, sign: str) -> str:
    named = ", ".join(f"{value} AS {column}" for value, column in zip(_row_key("r"), KEY, strict=True))
    return f"SELECT {named}, {sign}1 AS tasks FROM {table} r"  # nosec B608


# Rows added (+1) and removed (-1) by the statement, summed per key; a key whose sum is zero
# (a note edited, a task moved and back) is left alone. Keys are written in order, so two
# transactions touching the same keys lock them in the same order.
_PG_ADD = (
    f"INSERT INTO task_tally ({_COLUMNS}, tasks)\n"  # nosec B608
    f"      SELECT {_COLUMNS}, sum(tasks) FROM ({{rows}}) AS moved\n"
    f"      GROUP BY {_COLUMNS} HAVING sum(tasks) <> 0 ORDER BY {_COLUMNS}\n"
    f"      {_CONFLICT};"
)
# Rows left counting nothing are removed (only where this statement took tasks away, rows
# it holds locked), so the tally is what a rebuild would write.
_PG_EMPTIED = (
    f"DELETE FROM task_tally t USING ({_pg_rows('old_rows', '-')}) o\n      WHERE t.tasks = 0 AND "  # nosec B608
    f"({', '.join(f't.{c}' for c in KEY)}) = ({', '.join(f'o.{c}' for c in KEY)});"
)
_PG_FUNCTION = f"""CREATE FUNCTION task_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_PG_ADD.format(rows=_pg_rows("new_rows", "+"))}
  ELSIF TG_OP = 'DELETE' THEN
    {_PG_ADD.format(rows=_pg_rows("old_rows", "-"))}
  ELSE
    {_PG_ADD.format(rows=_pg_rows("new_rows", "+") + " UNION ALL " + _pg_rows("old_rows", "-"))}
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

for _statement in SQLITE_TRIGGERS:
    event.listen(Model.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(Model.metadata, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(
    Model.metadata,
    "after_drop",
    DDL("DROP FUNCTION IF EXISTS task_tally_count() CASCADE").execute_if(dialect="postgresql"),
)
