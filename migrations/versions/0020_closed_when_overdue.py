"""closed when overdue: on time is done or closed by the deadline; placeholder bodies are marked

Revision ID: 0020_closed_when_overdue
Revises: 0019_list_indexes
Create Date: 2026-12-02 09:00:00

"""

import importlib.util
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0020_closed_when_overdue"
down_revision = "0019_list_indexes"
branch_labels = None
depends_on = None


def _review_migration():
    """Migration 0011, whose trigger statements (0010's, measured against the deadline after
    any extension) this one rewrites again."""
    spec = importlib.util.spec_from_file_location(
        "review_0011", Path(__file__).with_name("0011_task_review.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ON_TIME = re.compile(r"(\w+)\.completed_on <= coalesce\(")
_WATCHED = "extended_due_on ON task"


def _finished_by_deadline(statement: str) -> str:
    """0011's statement with on time meaning done or closed no later than the deadline, and the
    SQLite update trigger also watching ``closed_on`` (as gplan/models/tally.py writes them
    since this migration)."""
    statement = _ON_TIME.sub(r"coalesce(\1.completed_on, \1.closed_on) <= coalesce(", statement)
    return statement.replace(_WATCHED, "extended_due_on, closed_on ON task")


ON_TIME = "coalesce(coalesce(completed_on, closed_on) <= coalesce(extended_due_on, due_on), false)"
ON_TIME_BEFORE = "coalesce(completed_on <= coalesce(extended_due_on, due_on), false)"


def upgrade():
    review = _review_migration()
    # Recreated and recounted: a task closed after its deadline is now counted not on time, so
    # that its status says it was closed when overdue.
    review._replace_triggers(lambda s: _finished_by_deadline(review._against_deadline(s)), ON_TIME)
    op.add_column(
        "body", sa.Column("is_placeholder", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # The bundled plan's placeholder, marked without waiting for the plan to be imported again.
    op.execute("UPDATE body SET is_placeholder = true WHERE key = 'related-bodies' AND is_group = false")


def downgrade():
    op.drop_column("body", "is_placeholder")
    review = _review_migration()
    review._replace_triggers(review._against_deadline, ON_TIME_BEFORE)
