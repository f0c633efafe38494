"""Regular updates: change_requests (a citizen's correction or reported change, and each step staff took)

Revision ID: e1a2b3c4d5e6
Revises: e3c4d5e6f7a8
Create Date: 2026-11-24 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1a2b3c4d5e6'
down_revision = 'e3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'change_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('is_open', sa.Boolean(), server_default='1', nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('field_visit_requested', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('visit_asked_by', sa.Integer(), nullable=True),
        sa.Column('visit_asked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revision_number', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['district_id'], ['areas.id'], name=op.f('fk_change_requests_district_id_areas')),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_change_requests_household_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_change_requests_requested_by_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['visit_asked_by'], ['users.id'], name=op.f('fk_change_requests_visit_asked_by_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_change_requests_decided_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests')),
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.create_index('ix_change_requests_district_queue', ['district_id', 'is_open', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_change_requests_queue', ['is_open', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_change_requests_household', ['household_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_change_requests_household')
        batch_op.drop_index('ix_change_requests_queue')
        batch_op.drop_index('ix_change_requests_district_queue')
    op.drop_table('change_requests')
