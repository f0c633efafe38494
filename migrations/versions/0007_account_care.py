"""otp_challenges.target_mobile: a change of mobile waits on a code sent to the new number

Revision ID: a8c3d4e5f6a7
Revises: b4f0c1a2d3e4
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8c3d4e5f6a7'
down_revision = 'b4f0c1a2d3e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('otp_challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_mobile', sa.String(length=11), nullable=True))


def downgrade():
    with op.batch_alter_table('otp_challenges', schema=None) as batch_op:
        batch_op.drop_column('target_mobile')
