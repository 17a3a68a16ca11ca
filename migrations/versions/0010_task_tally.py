"""the task tallies: the coordinator's summaries count from them, the database keeps them with every change

Revision ID: 0010_task_tally
Revises: 0009_outbox_batches
Create Date: 2026-12-01 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_task_tally"
down_revision = "0009_outbox_batches"
branch_labels = None
depends_on = None

KEY = ("plan_id", "body_id", "responsibility_id", "year", "progress", "on_time", "deadline")
TALLIES = {"task_body_tally": tuple(c for c in KEY if c != "responsibility_id"), "task_tally": KEY}
EXPRESSIONS = {
    "on_time": "coalesce(completed_on <= due_on, false)",
    "deadline": "coalesce(extended_due_on, due_on)",
}

# As written by gplan/models/tally.py when this migration was made.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN
  INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks) VALUES (NEW.plan_id, NEW.body_id, NEW.year, NEW.progress, coalesce(NEW.completed_on <= NEW.due_on, false), coalesce(NEW.extended_due_on, NEW.due_on), +1) ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
  INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks) VALUES (NEW.plan_id, NEW.body_id, NEW.responsibility_id, NEW.year, NEW.progress, coalesce(NEW.completed_on <= NEW.due_on, false), coalesce(NEW.extended_due_on, NEW.due_on), +1) ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
END""",
    """CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN
  INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks) VALUES (OLD.plan_id, OLD.body_id, OLD.year, OLD.progress, coalesce(OLD.completed_on <= OLD.due_on, false), coalesce(OLD.extended_due_on, OLD.due_on), -1) ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
  DELETE FROM task_body_tally WHERE plan_id = OLD.plan_id AND body_id = OLD.body_id AND year = OLD.year AND progress = OLD.progress AND on_time = coalesce(OLD.completed_on <= OLD.due_on, false) AND deadline = coalesce(OLD.extended_due_on, OLD.due_on) AND tasks = 0;
  INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks) VALUES (OLD.plan_id, OLD.body_id, OLD.responsibility_id, OLD.year, OLD.progress, coalesce(OLD.completed_on <= OLD.due_on, false), coalesce(OLD.extended_due_on, OLD.due_on), -1) ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
  DELETE FROM task_tally WHERE plan_id = OLD.plan_id AND body_id = OLD.body_id AND responsibility_id = OLD.responsibility_id AND year = OLD.year AND progress = OLD.progress AND on_time = coalesce(OLD.completed_on <= OLD.due_on, false) AND deadline = coalesce(OLD.extended_due_on, OLD.due_on) AND tasks = 0;
END""",
    """CREATE TRIGGER task_tally_update AFTER UPDATE OF plan_id, body_id, responsibility_id, year, progress, completed_on, due_on, extended_due_on ON task WHEN OLD.plan_id IS NOT NEW.plan_id OR OLD.body_id IS NOT NEW.body_id OR OLD.responsibility_id IS NOT NEW.responsibility_id OR OLD.year IS NOT NEW.year OR OLD.progress IS NOT NEW.progress OR coalesce(OLD.completed_on <= OLD.due_on, false) IS NOT coalesce(NEW.completed_on <= NEW.due_on, false) OR coalesce(OLD.extended_due_on, OLD.due_on) IS NOT coalesce(NEW.extended_due_on, NEW.due_on) BEGIN
  INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks) VALUES (OLD.plan_id, OLD.body_id, OLD.year, OLD.progress, coalesce(OLD.completed_on <= OLD.due_on, false), coalesce(OLD.extended_due_on, OLD.due_on), -1) ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
  DELETE FROM task_body_tally WHERE plan_id = OLD.plan_id AND body_id = OLD.body_id AND year = OLD.year AND progress = OLD.progress AND on_time = coalesce(OLD.completed_on <= OLD.due_on, false) AND deadline = coalesce(OLD.extended_due_on, OLD.due_on) AND tasks = 0;
  INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks) VALUES (OLD.plan_id, OLD.body_id, OLD.responsibility_id, OLD.year, OLD.progress, coalesce(OLD.completed_on <= OLD.due_on, false), coalesce(OLD.extended_due_on, OLD.due_on), -1) ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
  DELETE FROM task_tally WHERE plan_id = OLD.plan_id AND body_id = OLD.body_id AND responsibility_id = OLD.responsibility_id AND year = OLD.year AND progress = OLD.progress AND on_time = coalesce(OLD.completed_on <= OLD.due_on, false) AND deadline = coalesce(OLD.extended_due_on, OLD.due_on) AND tasks = 0;
  INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks) VALUES (NEW.plan_id, NEW.body_id, NEW.year, NEW.progress, coalesce(NEW.completed_on <= NEW.due_on, false), coalesce(NEW.extended_due_on, NEW.due_on), +1) ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
  INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks) VALUES (NEW.plan_id, NEW.body_id, NEW.responsibility_id, NEW.year, NEW.progress, coalesce(NEW.completed_on <= NEW.due_on, false), coalesce(NEW.extended_due_on, NEW.due_on), +1) ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
END""",
]

POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION task_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, +1 AS tasks FROM new_rows r) AS moved
      GROUP BY plan_id, body_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
    INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, responsibility_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.responsibility_id AS responsibility_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, +1 AS tasks FROM new_rows r) AS moved
      GROUP BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) AS moved
      GROUP BY plan_id, body_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
    INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, responsibility_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.responsibility_id AS responsibility_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) AS moved
      GROUP BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
  ELSE
    INSERT INTO task_body_tally (plan_id, body_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, +1 AS tasks FROM new_rows r UNION ALL SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) AS moved
      GROUP BY plan_id, body_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_body_tally.tasks + excluded.tasks;
    INSERT INTO task_tally (plan_id, body_id, responsibility_id, year, progress, on_time, deadline, tasks)
      SELECT plan_id, body_id, responsibility_id, year, progress, on_time, deadline, sum(tasks) FROM (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.responsibility_id AS responsibility_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, +1 AS tasks FROM new_rows r UNION ALL SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.responsibility_id AS responsibility_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) AS moved
      GROUP BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline HAVING sum(tasks) <> 0 ORDER BY plan_id, body_id, responsibility_id, year, progress, on_time, deadline
      ON CONFLICT (plan_id, body_id, responsibility_id, year, progress, on_time, deadline) DO UPDATE SET tasks = task_tally.tasks + excluded.tasks;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM task_body_tally t USING (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) o WHERE t.tasks = 0 AND (t.plan_id, t.body_id, t.year, t.progress, t.on_time, t.deadline) = (o.plan_id, o.body_id, o.year, o.progress, o.on_time, o.deadline);
    DELETE FROM task_tally t USING (SELECT r.plan_id AS plan_id, r.body_id AS body_id, r.responsibility_id AS responsibility_id, r.year AS year, r.progress AS progress, coalesce(r.completed_on <= r.due_on, false) AS on_time, coalesce(r.extended_due_on, r.due_on) AS deadline, -1 AS tasks FROM old_rows r) o WHERE t.tasks = 0 AND (t.plan_id, t.body_id, t.responsibility_id, t.year, t.progress, t.on_time, t.deadline) = (o.plan_id, o.body_id, o.responsibility_id, o.year, o.progress, o.on_time, o.deadline);
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER task_tally_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()""",
    """CREATE TRIGGER task_tally_update AFTER UPDATE ON task REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()""",
    """CREATE TRIGGER task_tally_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_tally_count()""",
]


def upgrade():
    for table, key in TALLIES.items():
        op.create_table(
            table,
            *(sa.Column(c, sa.Integer(), nullable=False) for c in key if c.endswith("_id") or c == "year"),
            sa.Column("progress", sa.String(length=20), nullable=False),
            sa.Column("on_time", sa.Boolean(), nullable=False),
            sa.Column("deadline", sa.Date(), nullable=False),
            sa.Column("tasks", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint(*key),
        )
        columns = ", ".join(key)
        values = ", ".join(EXPRESSIONS.get(c, c) for c in key)
        op.execute(
            f"INSERT INTO {table} ({columns}, tasks) SELECT {values}, count(*) FROM task "
            f"GROUP BY {', '.join(str(n) for n in range(1, len(key) + 1))}"
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS task_tally_{name}" + (" ON task" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS task_tally_count()")
    op.drop_table("task_tally")
    op.drop_table("task_body_tally")
