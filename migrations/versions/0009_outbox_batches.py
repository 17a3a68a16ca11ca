"""the outbox keeps each message's bytes, built once when it is queued

Revision ID: 0009_outbox_batches
Revises: 0008_sign_in_throttle
Create Date: 2026-12-01 07:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_outbox_batches"
down_revision = "0008_sign_in_throttle"
branch_labels = None
depends_on = None


def upgrade():
    # Messages already queued keep no bytes: they are built when sent, as before.
    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.drop_column("raw")
