"""complaint_filers: one row per person filing complaints, locked while a filing counts that person's open
complaints (so parallel filings cannot pass the cap); complaints.filed_by_id indexed for the citizen's list

Revision ID: a8d4e5f6a7b8
Revises: a8b2c3d4e5f6
Create Date: 2026-11-24 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8d4e5f6a7b8'
down_revision = 'a8b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'complaint_filers',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_complaint_filers')),
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_filed_by_id'), ['filed_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_filed_by_id'))
    op.drop_table('complaint_filers')
