"""Disaster response: disaster_events (with their affected areas), relief_deliveries (one per event and
household), relief_counts (served per event and area, kept by the relief write path) and the index the
ranking of a tehsil's households by vulnerability reads

Revision ID: d3c4d5e6f7a8
Revises: d1a2b3c4d5e6
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3c4d5e6f7a8'
down_revision = 'd1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'disaster_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=False),
        sa.Column('name_ur', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_disaster_events_created_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disaster_events')),
    )
    op.create_table(
        'disaster_event_areas',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_disaster_event_areas_area_id_areas')),
        sa.ForeignKeyConstraint(['event_id'], ['disaster_events.id'], name=op.f('fk_disaster_event_areas_event_id_disaster_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', 'area_id', name=op.f('pk_disaster_event_areas')),
    )
    op.create_table(
        'relief_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('area_key', sa.Integer(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_by', sa.Integer(), nullable=True),
        sa.Column('items', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['delivered_by'], ['users.id'], name=op.f('fk_relief_deliveries_delivered_by_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['disaster_events.id'], name=op.f('fk_relief_deliveries_event_id_disaster_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_relief_deliveries_household_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_deliveries')),
        sa.UniqueConstraint('event_id', 'household_id', name='uq_relief_deliveries_event_household'),
    )
    with op.batch_alter_table('relief_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_deliveries_household_id'), ['household_id'], unique=False)
    op.create_table(
        'relief_counts',
        sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('area_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('served', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('event_id', 'area_key', name=op.f('pk_relief_counts')),
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_area_vulnerability',
                              ['area_id', 'score', 'facts_disabled_count', 'facts_elderly_count', 'facts_under5_count',
                               'facts_head_sex', 'facts_head_marital_status', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_area_vulnerability')
    op.drop_table('relief_counts')
    with op.batch_alter_table('relief_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_deliveries_household_id'))
    op.drop_table('relief_deliveries')
    op.drop_table('disaster_event_areas')
    op.drop_table('disaster_events')
