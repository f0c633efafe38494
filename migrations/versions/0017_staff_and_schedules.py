"""Staff areas (several for a supervisor), a must-change-password flag with the one-time password's expiry, survey
schedules and announcements

Revision ID: d4d5e6f7a8b9
Revises: d3c4d5e6f7a8
Create Date: 2026-11-24 08:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4d5e6f7a8b9'
down_revision = 'd3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('password_expires_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'user_areas',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id']),
        sa.PrimaryKeyConstraint('user_id', 'area_id'),
    )
    op.create_index('ix_user_areas_area_id', 'user_areas', ['area_id'], unique=False)
    # Every staff member's primary area is one of their areas.
    op.execute("INSERT INTO user_areas (user_id, area_id) SELECT id, area_id FROM users "
               "WHERE area_id IS NOT NULL AND role <> 'citizen'")
    op.create_table(
        'survey_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('message_ur', sa.Text(), nullable=False),
        sa.Column('message_en', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('households_scheduled', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id']),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_survey_schedules_area_dates', 'survey_schedules', ['area_id', 'ends_on', 'starts_on'],
                    unique=False)
    op.create_table(
        'announcements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title_ur', sa.String(length=120), nullable=False),
        sa.Column('title_en', sa.String(length=120), nullable=False),
        sa.Column('body_ur', sa.Text(), nullable=False),
        sa.Column('body_en', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_announcements_dates', 'announcements', ['ends_on', 'starts_on'], unique=False)


def downgrade():
    op.drop_index('ix_announcements_dates', table_name='announcements')
    op.drop_table('announcements')
    op.drop_index('ix_survey_schedules_area_dates', table_name='survey_schedules')
    op.drop_table('survey_schedules')
    op.drop_index('ix_user_areas_area_id', table_name='user_areas')
    op.drop_table('user_areas')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_expires_at')
        batch_op.drop_column('must_change_password')
