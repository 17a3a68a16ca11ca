"""closing tasks: a retired body's open tasks are kept, closed with the day and the reason

Revision ID: 0017_task_closing
Revises: 0016_task_search
Create Date: 2026-12-01 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_task_closing"
down_revision = "0016_task_search"
branch_labels = None
depends_on = None

# Plain ADD/DROP COLUMN, never batch mode: recreating the task table on SQLite would drop the
# tally and search triggers. The tally needs no change: a closed task is told apart by its
# progress, which the tally counts by already.
COLUMNS = ("closed_on", "closed_reason", "closed_as_duplicate")


def upgrade():
    op.add_column("task", sa.Column("closed_on", sa.Date(), nullable=True))
    op.add_column("task", sa.Column("closed_reason", sa.Text(), nullable=True))
    op.add_column(
        "task", sa.Column("closed_as_duplicate", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    # Closed tasks become what retiring made of them before: gone (their audit entry keeps them).
    op.execute("DELETE FROM task WHERE progress = 'closed'")
    for column in reversed(COLUMNS):
        op.drop_column("task", column)
