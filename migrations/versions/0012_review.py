"""households.submitted_at (when the latest submit came) and the review queue's indexes: a district's (a
tehsil's, an enumerator's) submitted households, oldest submission first, as one index range

Revision ID: c9a1b2c3d4e5
Revises: b2b1c3d4e5f6
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9a1b2c3d4e5'
down_revision = 'b2b1c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
    # Households submitted before this column existed: their latest submit, else their last change.
    op.execute("""
        UPDATE households SET submitted_at = COALESCE(
            (SELECT MAX(c.at) FROM household_status_changes c
              WHERE c.household_id = households.id AND c.to_status = 'submitted'),
            updated_at)
        WHERE status IN ('submitted', 'returned', 'verified', 'rejected')
    """)
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_district_review', ['district_id', 'status', 'submitted_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_households_area_review', ['area_id', 'status', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_households_enumerator_review', ['enumerator_id', 'status', 'submitted_at', 'id'],
                              unique=False)
        # Only the flagged households: the queue's flag filters read a few of a district's entries, not all.
        batch_op.create_index('ix_households_flagged_review', ['district_id', 'status', 'submitted_at', 'id'],
                              unique=False, postgresql_where=sa.text('flag_count > 0'),
                              sqlite_where=sa.text('flag_count > 0'))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_flagged_review')
        batch_op.drop_index('ix_households_enumerator_review')
        batch_op.drop_index('ix_households_area_review')
        batch_op.drop_index('ix_households_district_review')
        batch_op.drop_column('submitted_at')
