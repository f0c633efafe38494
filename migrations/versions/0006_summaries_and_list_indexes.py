"""summary counts kept by the write path; households' district; indexes that serve each list

Revision ID: b4f0c1a2d3e4
Revises: d6b2e3f4a5c7
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4f0c1a2d3e4'
down_revision = 'd6b2e3f4a5c7'
branch_labels = None
depends_on = None

OPEN_SQL = "state IN ('assigned', 'in_progress', 'new', 'reopened')"


def upgrade():
    op.create_table('household_counts',
    sa.Column('area_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('area_key', 'status', name=op.f('pk_household_counts'))
    )
    op.create_table('user_counts',
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_user_counts'))
    )
    op.create_table('complaint_counts',
    sa.Column('district_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('assignee_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_key', 'state', 'category', 'assignee_key', name=op.f('pk_complaint_counts'))
    )
    op.create_table('open_complaint_deadlines',
    sa.Column('district_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('deadline_day', sa.Date(), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_key', 'deadline_day', name=op.f('pk_open_complaint_deadlines'))
    )
    op.create_table('complaint_resolve_times',
    sa.Column('district_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('hours', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.Column('total_hours', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('district_key', 'hours', name=op.f('pk_complaint_resolve_times'))
    )

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visit_requested', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_households_district_id_areas'), 'areas', ['district_id'], ['id'])
        batch_op.drop_index('ix_households_area_id')
    # A household's district: its area when that is a district, the area's parent when a tehsil.
    op.execute("UPDATE households SET district_id = (SELECT CASE WHEN a.level = 'district' THEN a.id "
               "WHEN a.level = 'tehsil' THEN a.parent_id END FROM areas a WHERE a.id = households.area_id) "
               "WHERE area_id IS NOT NULL")
    op.execute(sa.text("UPDATE households SET visit_requested = :yes WHERE resurvey_requested_at IS NOT NULL")
               .bindparams(yes=True))
    op.create_index('ix_households_district_list', 'households', ['district_id', 'visit_requested', 'updated_at', 'id'])
    op.create_index('ix_households_district_status_list', 'households',
                    ['district_id', 'status', 'visit_requested', 'updated_at', 'id'])
    op.create_index('ix_households_area_list', 'households', ['area_id', 'visit_requested', 'updated_at', 'id'])
    op.create_index('ix_households_area_status_list', 'households',
                    ['area_id', 'status', 'visit_requested', 'updated_at', 'id'])

    op.drop_index('ix_complaints_assigned_to_id', table_name='complaints')
    op.create_index('ix_complaints_open_deadline', 'complaints', ['deadline_at', 'id'],
                    postgresql_where=sa.text(OPEN_SQL), sqlite_where=sa.text(OPEN_SQL))
    op.create_index('ix_complaints_open_district', 'complaints', ['district_id', 'deadline_at', 'id'],
                    postgresql_where=sa.text(OPEN_SQL), sqlite_where=sa.text(OPEN_SQL))
    op.create_index('ix_complaints_escalated_to', 'complaints', ['escalated_to_id', 'deadline_at', 'id'])
    op.create_index('ix_complaints_assigned_to', 'complaints', ['assigned_to_id', 'deadline_at', 'id'])

    # The counts of what is already there (the same statements as `flask summaries rebuild`).
    op.execute("INSERT INTO household_counts (area_key, status, households) "
               "SELECT COALESCE(area_id, 0), status, COUNT(*) FROM households GROUP BY COALESCE(area_id, 0), status")
    op.execute("INSERT INTO user_counts (role, users) SELECT role, COUNT(*) FROM users GROUP BY role")
    op.execute("INSERT INTO complaint_counts (district_key, state, category, assignee_key, complaints) "
               "SELECT COALESCE(district_id, 0), state, category, COALESCE(assigned_to_id, 0), COUNT(*) FROM complaints "
               "GROUP BY COALESCE(district_id, 0), state, category, COALESCE(assigned_to_id, 0)")
    day = ("CAST(timezone('UTC', deadline_at) AS date)" if op.get_bind().dialect.name == "postgresql"
           else "date(deadline_at)")
    op.execute(f"INSERT INTO open_complaint_deadlines (district_key, deadline_day, complaints) "
               f"SELECT COALESCE(district_id, 0), {day}, COUNT(*) FROM complaints WHERE {OPEN_SQL} "
               f"GROUP BY COALESCE(district_id, 0), {day}")
    # Resolve times: computed by `flask summaries rebuild` (hours between two timestamps differ by dialect).


def downgrade():
    op.drop_index('ix_complaints_assigned_to', table_name='complaints')
    op.drop_index('ix_complaints_escalated_to', table_name='complaints')
    op.drop_index('ix_complaints_open_district', table_name='complaints')
    op.drop_index('ix_complaints_open_deadline', table_name='complaints')
    op.create_index('ix_complaints_assigned_to_id', 'complaints', ['assigned_to_id'])
    op.drop_index('ix_households_area_status_list', table_name='households')
    op.drop_index('ix_households_area_list', table_name='households')
    op.drop_index('ix_households_district_status_list', table_name='households')
    op.drop_index('ix_households_district_list', table_name='households')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_area_id', ['area_id'])
        batch_op.drop_constraint(batch_op.f('fk_households_district_id_areas'), type_='foreignkey')
        batch_op.drop_column('visit_requested')
        batch_op.drop_column('district_id')
    op.drop_table('complaint_resolve_times')
    op.drop_table('open_complaint_deadlines')
    op.drop_table('complaint_counts')
    op.drop_table('user_counts')
    op.drop_table('household_counts')
