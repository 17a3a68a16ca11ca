"""plan drafts written in the browser before publishing; bodies retired in a reform

Revision ID: 0015_plan_drafts
Revises: 0014_plan_provenance
Create Date: 2026-12-01 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_plan_drafts"
down_revision = "0014_plan_provenance"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_plan_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("old_period_start", sa.Integer(), nullable=True),
        sa.Column("old_period_end", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_plan_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_draft_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_plan_id"],
            ["plan.id"],
            name=op.f("fk_plan_draft_published_plan_id_plan"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_plan_id"], ["plan.id"], name=op.f("fk_plan_draft_source_plan_id_plan"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_draft")),
    )
    with op.batch_alter_table("plan_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_draft_source_plan_id"), ["source_plan_id"], unique=False)
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_column("retired_on")
    with op.batch_alter_table("plan_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_draft_source_plan_id"))
    op.drop_table("plan_draft")
