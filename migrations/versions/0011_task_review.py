"""review of tasks: submissions, the plan's review setting, on time measured against the extended deadline

Revision ID: 0011_task_review
Revises: 0010_task_tally
Create Date: 2026-12-01 11:00:00

"""

import importlib.util
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0011_task_review"
down_revision = "0010_task_tally"
branch_labels = None
depends_on = None


def _tally_migration():
    """Migration 0010, whose trigger statements this one rewrites."""
    spec = importlib.util.spec_from_file_location(
        "tally_0010", Path(__file__).with_name("0010_task_tally.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ON_TIME = re.compile(r"(\w+)\.completed_on <= \1\.due_on")


def _against_deadline(statement: str) -> str:
    """0010's statement with on time measured against the deadline after any extension (as
    gplan/models/tally.py writes it since this migration)."""
    return _ON_TIME.sub(r"\1.completed_on <= coalesce(\1.extended_due_on, \1.due_on)", statement)


def _replace_triggers(rewrite, on_time: str | None = None) -> None:
    tally = _tally_migration()
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS task_tally_{name}" + (" ON task" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS task_tally_count()")
    for statement in tally.POSTGRESQL_TRIGGERS if postgresql else tally.SQLITE_TRIGGERS:
        op.execute(rewrite(statement))
    # Recount: the on-time column of tasks done after their original due date but within an
    # extension changes.
    for table, key in tally.TALLIES.items():
        columns = ", ".join(key)
        expressions = {**tally.EXPRESSIONS, **({"on_time": on_time} if on_time else {})}
        values = ", ".join(expressions.get(c, c) for c in key)
        op.execute(f"DELETE FROM {table}")
        op.execute(
            f"INSERT INTO {table} ({columns}, tasks) SELECT {values}, count(*) FROM task "
            f"GROUP BY {', '.join(str(n) for n in range(1, len(key) + 1))}"
        )


def upgrade():
    with op.batch_alter_table("plan") as batch:
        batch.add_column(
            sa.Column("review_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("review_wait_days", sa.Integer(), server_default="5", nullable=False))
    op.create_table(
        "task_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("evidence_file", sa.String(length=200), nullable=True),
        sa.Column("evidence_name", sa.String(length=255), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_submission_task_id", "task_submission", ["task_id"])
    op.create_index("ix_task_submission_state_at", "task_submission", ["state", "submitted_at"])
    _replace_triggers(_against_deadline, "coalesce(completed_on <= coalesce(extended_due_on, due_on), false)")


def downgrade():
    _replace_triggers(lambda statement: statement)
    op.drop_index("ix_task_submission_state_at", table_name="task_submission")
    op.drop_index("ix_task_submission_task_id", table_name="task_submission")
    op.drop_table("task_submission")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("review_wait_days")
        batch.drop_column("review_required")
