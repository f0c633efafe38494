"""households.facts_*: counts from the member roster (members, children under five, elderly, disabled,
children in school, the head's sex, age, marital status and education) for rules over millions of households

Revision ID: b2b1c3d4e5f6
Revises: b1a0c2d3e4f5
Create Date: 2026-11-24 09:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2b1c3d4e5f6'
down_revision = 'b1a0c2d3e4f5'
branch_labels = None
depends_on = None

COUNTS = ('member_count', 'under5_count', 'child_count', 'elderly_count', 'working_age_count', 'disabled_count',
          'school_age_count', 'enrolled_count')
HEAD = ('head_sex', 'head_marital_status', 'head_education')


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts_on', sa.Date(), nullable=True))
        for name in COUNTS:
            batch_op.add_column(sa.Column(f'facts_{name}', sa.Integer(), nullable=True))
        for name in HEAD:
            batch_op.add_column(sa.Column(f'facts_{name}', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('facts_head_age', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        for name in ('facts_on', 'facts_head_age', *(f'facts_{n}' for n in COUNTS + HEAD)):
            batch_op.drop_column(name)
