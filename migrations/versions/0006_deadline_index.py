"""an index on the deadline after any extension, for the lists ordered by it

Revision ID: 0006_deadline_index
Revises: 0005_admin_api
Create Date: 2026-12-01 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_deadline_index"
down_revision = "0005_admin_api"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_task_plan_deadline",
        "task",
        ["plan_id", sa.text("coalesce(extended_due_on, due_on)"), "body_id", "id"],
    )


def downgrade():
    op.drop_index("ix_task_plan_deadline", table_name="task")
