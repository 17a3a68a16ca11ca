"""target figures carry a version

Revision ID: 0007_target_actual_version
Revises: 0006_deadline_index
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_target_actual_version'
down_revision = '0006_deadline_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('target_actual', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('target_actual', schema=None) as batch_op:
        batch_op.drop_column('version')
