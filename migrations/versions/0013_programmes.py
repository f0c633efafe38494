"""programmes, their versioned eligibility rules, enrolments and eligible counts per district

Revision ID: d2b3c4d5e6f7
Revises: c9a1b2c3d4e5
Create Date: 2026-11-24 08:43:42.111916

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2b3c4d5e6f7'
down_revision = 'c9a1b2c3d4e5'
branch_labels = None
depends_on = None

TARGETING_COLUMNS = ('score', 'facts_member_count', 'facts_under5_count', 'facts_child_count', 'facts_elderly_count',
                     'facts_disabled_count', 'facts_school_age_count', 'facts_enrolled_count', 'facts_head_sex',
                     'facts_head_age', 'facts_head_marital_status', 'facts_head_education', 'status', 'id')


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('name_ur', sa.String(length=120), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('description_ur', sa.Text(), nullable=False),
    sa.Column('export_columns', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    op.create_table('programme_counts',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('district_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_counts_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'district_key', name=op.f('pk_programme_counts'))
    )
    op.create_table('programme_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_programme_enrolments_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_enrolments_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_enrolments')),
    sa.UniqueConstraint('household_id', 'programme_id', name=op.f('uq_programme_enrolments_household_id'))
    )
    with op.batch_alter_table('programme_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_programme_enrolments_programme_household', ['programme_id', 'household_id'], unique=False)

    op.create_table('programme_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_by', sa.Integer(), nullable=True),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activated_by'], ['users.id'], name=op.f('fk_programme_rules_activated_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_programme_rules_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_rules_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_rules')),
    sa.UniqueConstraint('programme_id', 'version', name=op.f('uq_programme_rules_programme_id'))
    )
    with op.batch_alter_table('programme_rules', schema=None) as batch_op:
        batch_op.create_index('ix_programme_rules_programme_state', ['programme_id', 'state'], unique=False)
    # Verified households' rule facts, covered: simulations, counts and exports scan the index alone.
    op.create_index('ix_households_targeting', 'households', ['district_id', 'score_band'], unique=False,
                    postgresql_include=list(TARGETING_COLUMNS), postgresql_where=sa.text("status = 'verified'"),
                    sqlite_where=sa.text("status = 'verified'"))



def downgrade():
    op.drop_index('ix_households_targeting', table_name='households')
    with op.batch_alter_table('programme_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_rules_programme_state')

    op.drop_table('programme_rules')
    with op.batch_alter_table('programme_enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_enrolments_programme_household')

    op.drop_table('programme_enrolments')
    op.drop_table('programme_counts')
    op.drop_table('programmes')
