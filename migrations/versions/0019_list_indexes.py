"""indexes for one body's list read a page at a time: by deadline, by completion, by start

Revision ID: 0019_list_indexes
Revises: 0018_search_notes
Create Date: 2026-12-01 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019_list_indexes"
down_revision = "0018_search_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_task_plan_body_deadline",
        "task",
        ["plan_id", "body_id", sa.text("coalesce(extended_due_on, due_on)"), "id"],
    )
    op.create_index(
        "ix_task_plan_body_finished",
        "task",
        ["plan_id", "body_id", "progress", sa.text("coalesce(completed_on, due_on)"), "year", "completed_on"],
    )
    op.create_index("ix_task_plan_body_starts", "task", ["plan_id", "body_id", "starts_on"])


def downgrade():
    op.drop_index("ix_task_plan_body_starts", table_name="task")
    op.drop_index("ix_task_plan_body_finished", table_name="task")
    op.drop_index("ix_task_plan_body_deadline", table_name="task")
