"""household_flags (what the cross-checks found); households.flag_count and the current score columns
(score, score_band, score_model_id, scored_at)

Revision ID: b1a0c2d3e4f5
Revises: a8d4e5f6a7b8
Create Date: 2026-11-24 08:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1a0c2d3e4f5'
down_revision = 'a8d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'household_flags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('severity', sa.String(length=10), nullable=False),
        sa.Column('member_ids', sa.JSON(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.Column('other_household_id', sa.Integer(), nullable=True),
        sa.Column('message_en', sa.Text(), nullable=False),
        sa.Column('message_ur', sa.Text(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_flags_household_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_flags')),
    )
    with op.batch_alter_table('household_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_flags_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_household_flags_code_household', ['code', 'household_id'], unique=False)
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('score_band', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('score_model_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scored_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('scored_at')
        batch_op.drop_column('score_model_id')
        batch_op.drop_column('score_band')
        batch_op.drop_column('score')
        batch_op.drop_column('flag_count')
    op.drop_table('household_flags')
