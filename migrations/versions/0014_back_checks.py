"""back_checks (a sample of approved households re-visited by another enumerator) and back_check_answers
(per question, whether the re-visit agreed); enumerator_figures (each enumerator's work, refreshed by the
daily draw job, for the quality page); an index on the moves to a state by time, for the draw

Revision ID: c9d4e5f6a7b8
Revises: d2b3c4d5e6f7
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d4e5f6a7b8'
down_revision = 'd2b3c4d5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'back_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('original_enumerator_id', sa.Integer(), nullable=True),
        sa.Column('assigned_enumerator_id', sa.Integer(), nullable=True),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=True),
        sa.Column('revision_number', sa.Integer(), nullable=True),
        sa.Column('compared', sa.Integer(), nullable=False),
        sa.Column('disagreements', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_back_checks_area_id_areas')),
        sa.ForeignKeyConstraint(['assigned_enumerator_id'], ['users.id'],
                                name=op.f('fk_back_checks_assigned_enumerator_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_back_checks_household_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['original_enumerator_id'], ['users.id'],
                                name=op.f('fk_back_checks_original_enumerator_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_back_checks')),
        sa.UniqueConstraint('household_id', name=op.f('uq_back_checks_household_id')),
    )
    with op.batch_alter_table('back_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_back_checks_area_id'), ['area_id'], unique=False)
        batch_op.create_index('ix_back_checks_assigned_state', ['assigned_enumerator_id', 'state'], unique=False)
        batch_op.create_index('ix_back_checks_original_state', ['original_enumerator_id', 'state'], unique=False)
    op.create_table(
        'back_check_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('back_check_id', sa.Integer(), nullable=False),
        sa.Column('question_key', sa.String(length=40), nullable=False),
        sa.Column('agrees', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['back_check_id'], ['back_checks.id'],
                                name=op.f('fk_back_check_answers_back_check_id_back_checks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_back_check_answers')),
    )
    with op.batch_alter_table('back_check_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_back_check_answers_back_check_id'), ['back_check_id'], unique=False)
        batch_op.create_index('ix_back_check_answers_question', ['question_key', 'agrees'], unique=False)
    op.create_table(
        'enumerator_figures',
        sa.Column('enumerator_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.Column('flagged', sa.Integer(), nullable=False),
        sa.Column('submissions', sa.Integer(), nullable=False),
        sa.Column('active_days', sa.Integer(), nullable=False),
        sa.Column('returns', sa.Integer(), nullable=False),
        sa.Column('median_minutes', sa.Float(), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enumerator_id'], ['users.id'],
                                name=op.f('fk_enumerator_figures_enumerator_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('enumerator_id', name=op.f('pk_enumerator_figures')),
    )
    with op.batch_alter_table('household_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_household_status_changes_to_status_at', ['to_status', 'at', 'household_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('household_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_household_status_changes_to_status_at')
    op.drop_table('enumerator_figures')
    op.drop_table('back_check_answers')
    op.drop_table('back_checks')
