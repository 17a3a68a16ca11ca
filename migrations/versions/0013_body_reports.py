"""the body's report for a year (submitted, accepted or returned) and the province's report

Revision ID: 0013_body_reports
Revises: 0010_task_tally
Create Date: 2026-12-01 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_body_reports"
down_revision = "0010_task_tally"
branch_labels = None
depends_on = None


def _audit_columns():
    return (
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    )


def upgrade():
    op.create_table(
        "body_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("narratives", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "body_id", "year"),
    )
    op.create_index("ix_body_report_body_id", "body_report", ["body_id"])
    op.create_index("ix_body_report_plan_id", "body_report", ["plan_id"])
    op.create_table(
        "province_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("shortcomings", sa.Text(), nullable=True),
        sa.Column("directions", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "kind", "year"),
    )
    op.create_index("ix_province_report_plan_id", "province_report", ["plan_id"])


def downgrade():
    op.drop_index("ix_province_report_plan_id", table_name="province_report")
    op.drop_table("province_report")
    op.drop_index("ix_body_report_plan_id", table_name="body_report")
    op.drop_index("ix_body_report_body_id", table_name="body_report")
    op.drop_table("body_report")
