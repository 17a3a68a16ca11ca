"""a faithful plan: what the plan file inferred, suggested group members, the reporting chain, requested duties

Revision ID: 0014_plan_provenance
Revises: 0013_body_reports
Create Date: 2026-12-01 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014_plan_provenance"
down_revision = "0013_body_reports"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("plan_body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_members", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reports_to", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("requested", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        batch_op.drop_column("requested")
        batch_op.drop_column("reports_to")
    with op.batch_alter_table("plan_body", schema=None) as batch_op:
        batch_op.drop_column("suggested_members")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("provenance")
