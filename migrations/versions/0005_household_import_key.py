"""households.import_key: the key a bulk import or the demo seed gives each household, so a re-run adds nothing

Revision ID: d6b2e3f4a5c7
Revises: c5a1d2e3f4b6
Create Date: 2026-11-23 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6b2e3f4a5c7'
down_revision = 'c5a1d2e3f4b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_key', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_households_import_key'), ['import_key'], unique=True)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_import_key'))
        batch_op.drop_column('import_key')
