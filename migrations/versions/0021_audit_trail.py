"""Audit trail: the household concerned, its district, the stated reason and the actor's role on each entry;
indexes that lead with each filter of /admin/audit and end in its order (at, id); the actor a plain number
(a referential action would rewrite the log); on PostgreSQL a trigger that refuses UPDATE, DELETE and
TRUNCATE of the log, unless a maintenance session says `SET LOCAL pser.audit_maintenance = 'on'` (the test
suite's emptying of tables; nothing in the application does: README, "Audit trail")

Revision ID: e2b3c4d5e6f7
Revises: e1a2b3c4d5e6
Create Date: 2026-11-24 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b3c4d5e6f7'
down_revision = 'e1a2b3c4d5e6'
branch_labels = None
depends_on = None

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('pser.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
INDEXES = {
    'ix_audit_entries_household_at': ['household_id', 'at', 'id'],
    'ix_audit_entries_actor_at': ['actor_id', 'at', 'id'],
    'ix_audit_entries_area_at': ['area_id', 'at', 'id'],
    'ix_audit_entries_action_at': ['action', 'at', 'id'],
    'ix_audit_entries_at_id': ['at', 'id'],
}


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_role', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('household_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=300), nullable=True))
        batch_op.drop_constraint('fk_audit_entries_actor_id_users', type_='foreignkey')
        # Each is the first column of a wider index below.
        batch_op.drop_index('ix_audit_entries_action')
        batch_op.drop_index('ix_audit_entries_actor_id')
        batch_op.drop_index('ix_audit_entries_at')
    # What the earlier entries already say: the actor's role (as it is now), and the household of a read of
    # a household page (its id was the outcome), with its district. Before the trigger exists.
    op.execute("UPDATE audit_entries SET actor_role = (SELECT users.role FROM users WHERE users.id = "
               "audit_entries.actor_id) WHERE actor_id IS NOT NULL")
    numeric = "outcome ~ '^[0-9]{1,9}$'" if postgres else "outcome <> '' AND outcome NOT GLOB '*[^0-9]*' AND length(outcome) < 10"
    op.execute(f"UPDATE audit_entries SET household_id = CAST(outcome AS INTEGER) WHERE action = 'household.view' AND {numeric}")
    op.execute("UPDATE audit_entries SET area_id = (SELECT households.district_id FROM households WHERE households.id = "
               "audit_entries.household_id) WHERE household_id IS NOT NULL")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    if postgres:
        op.execute(TRIGGER_FUNCTION)
        op.execute("CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()")
        op.execute("CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index('ix_audit_entries_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_entries_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_entries_action', ['action'], unique=False)
        batch_op.drop_column('reason')
        batch_op.drop_column('area_id')
        batch_op.drop_column('household_id')
        batch_op.drop_column('actor_role')
    # The actor's foreign key is not made again: entries may name accounts removed since.
