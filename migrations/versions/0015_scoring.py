"""scoring_models (versions of the proxy-means model as data), household_scores (every score given) and
score_counts (the score distribution by district, model and band)

Revision ID: d1a2b3c4d5e6
Revises: c9d4e5f6a7b8
Create Date: 2026-11-24 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a2b3c4d5e6'
down_revision = 'c9d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scoring_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('indicators', sa.JSON(), nullable=False),
        sa.Column('bands', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_scoring_models_created_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_models')),
        sa.UniqueConstraint('version', name=op.f('uq_scoring_models_version')),
    )
    with op.batch_alter_table('scoring_models', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_models_active'), ['active'], unique=False)
    op.create_table(
        'household_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('model_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False),
        sa.Column('band', sa.String(length=20), nullable=False),
        sa.Column('points', sa.JSON(), nullable=True),
        sa.Column('values', sa.JSON(), nullable=True),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_scores_household_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['model_id'], ['scoring_models.id'], name=op.f('fk_household_scores_model_id_scoring_models')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_scores')),
    )
    with op.batch_alter_table('household_scores', schema=None) as batch_op:
        batch_op.create_index('ix_household_scores_household_scored', ['household_id', 'scored_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_scores_model_id'), ['model_id'], unique=False)
    op.create_table(
        'score_counts',
        sa.Column('district_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('model_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('band', sa.String(length=20), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('district_key', 'model_id', 'band', name=op.f('pk_score_counts')),
    )


def downgrade():
    op.drop_table('score_counts')
    with op.batch_alter_table('household_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_scores_model_id'))
        batch_op.drop_index('ix_household_scores_household_scored')
    op.drop_table('household_scores')
    with op.batch_alter_table('scoring_models', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_models_active'))
    op.drop_table('scoring_models')
