"""The admin's outbox list by state, newest first (sms_outbox (status, id)): failed messages are found as one
index range however long the outbox grows

Revision ID: e3c4d5e6f7a8
Revises: c9c3d4e5f6a7
Create Date: 2026-11-24 09:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3c4d5e6f7a8'
down_revision = 'c9c3d4e5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_sms_outbox_status_id', ['status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_outbox_status_id')
