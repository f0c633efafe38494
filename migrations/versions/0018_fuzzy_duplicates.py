"""fuzzy duplicates: the member's father's or husband's name; household_members.name_key, its blocks, birth_year and
district_id for the duplicate search (filled here for the members already stored), its index and, on
PostgreSQL, pg_trgm with a trigram index on name_key; duplicate_pairs (candidate pairs and decisions)

Revision ID: c9c3d4e5f6a7
Revises: d4d5e6f7a8b9
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9c3d4e5f6a7'
down_revision = 'd4d5e6f7a8b9'
branch_labels = None
depends_on = None

NAMES_PER_BATCH = 20000
# What the duplicate search compares rides in its indexes (index-only scans).
COMPARED = ['household_id', 'id', 'name', 'father_or_husband_name', 'age_years']


def _fill_match_columns(bind) -> None:
    """name_key of every stored member, set-based: each distinct name's key is computed once in Python
    (app.domain.names, plain Python), staged in a temporary table, and written by one UPDATE … FROM with the
    year of birth (the date's, or the age's year counted from the household's last change) and the district."""
    from app.domain.names import name_blocks, name_key

    postgres = bind.dialect.name == "postgresql"
    bind.execute(sa.text("CREATE TEMPORARY TABLE tmp_name_keys (name VARCHAR(100) PRIMARY KEY, name_key VARCHAR(200), "
                         "name_block VARCHAR(40), name_block_joined VARCHAR(60))"))
    names = bind.execute(sa.text("SELECT DISTINCT name FROM household_members"))
    while batch := names.fetchmany(NAMES_PER_BATCH):
        rows = []
        for (name,) in batch:
            key = name_key(name)[:200] or None
            block, joined = name_blocks(key)
            rows.append({"name": name, "name_key": key, "block": block, "joined": joined})
        bind.execute(sa.text("INSERT INTO tmp_name_keys (name, name_key, name_block, name_block_joined) "
                             "VALUES (:name, :name_key, :block, :joined)"), rows)
    if postgres:
        bind.execute(sa.text(
            "UPDATE household_members AS m SET name_key = k.name_key, name_block = k.name_block, "
            "name_block_joined = k.name_block_joined, district_id = h.district_id, "
            "birth_year = COALESCE(CAST(EXTRACT(YEAR FROM m.dob) AS INTEGER), "
            "CAST(EXTRACT(YEAR FROM h.updated_at) AS INTEGER) - m.age_years) "
            "FROM households AS h, tmp_name_keys AS k WHERE h.id = m.household_id AND k.name = m.name"))
    else:
        bind.execute(sa.text(
            "UPDATE household_members SET "
            "name_key = (SELECT name_key FROM tmp_name_keys AS k WHERE k.name = household_members.name), "
            "name_block = (SELECT name_block FROM tmp_name_keys AS k WHERE k.name = household_members.name), "
            "name_block_joined = (SELECT name_block_joined FROM tmp_name_keys AS k "
            " WHERE k.name = household_members.name), "
            "district_id = (SELECT district_id FROM households AS h WHERE h.id = household_members.household_id), "
            "birth_year = COALESCE(CAST(strftime('%Y', dob) AS INTEGER), "
            "(SELECT CAST(strftime('%Y', updated_at) AS INTEGER) FROM households AS h "
            " WHERE h.id = household_members.household_id) - age_years)"))
    bind.execute(sa.text("DROP TABLE tmp_name_keys"))


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('father_or_husband_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_block', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('name_block_joined', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
    _fill_match_columns(bind)
    # The indexes after the fill: built once over the filled rows rather than kept through a million updates.
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index('ix_household_members_name_search', ['district_id', 'name_key', 'sex', 'birth_year'],
                              unique=False, postgresql_include=[*COMPARED, 'dob'])
        for name, block in (('ix_household_members_block_first', 'name_block'),
                            ('ix_household_members_block_joined', 'name_block_joined')):
            batch_op.create_index(name, ['district_id', block, 'sex', 'dob'], unique=False,
                                  postgresql_include=[*COMPARED, 'name_key', 'birth_year'])
        batch_op.create_index('ix_household_members_name_key_trgm', ['name_key'], unique=False,
                              postgresql_using='gin', postgresql_ops={'name_key': 'gin_trgm_ops'})
    op.create_table(
        'duplicate_pairs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_a_id', sa.Integer(), nullable=False),
        sa.Column('member_b_id', sa.Integer(), nullable=False),
        sa.Column('household_a_id', sa.Integer(), nullable=False),
        sa.Column('household_b_id', sa.Integer(), nullable=False),
        sa.Column('identity_a', sa.String(length=220), nullable=False),
        sa.Column('identity_b', sa.String(length=220), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['household_a_id'], ['households.id'],
                                name=op.f('fk_duplicate_pairs_household_a_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_b_id'], ['households.id'],
                                name=op.f('fk_duplicate_pairs_household_b_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_duplicate_pairs_decided_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_pairs')),
        sa.UniqueConstraint('member_a_id', 'member_b_id', name='uq_duplicate_pairs_members'),
    )
    with op.batch_alter_table('duplicate_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_pairs_member_a_id'), ['member_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_pairs_member_b_id'), ['member_b_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_pairs_household_b_id'), ['household_b_id'], unique=False)
        batch_op.create_index('ix_duplicate_pairs_district_list', ['district_id', 'state', 'id'], unique=False)
        batch_op.create_index('ix_duplicate_pairs_identity',
                              ['household_a_id', 'identity_a', 'household_b_id', 'identity_b'], unique=False)


def downgrade():
    op.drop_table('duplicate_pairs')
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index('ix_household_members_name_key_trgm', postgresql_using='gin',
                            postgresql_ops={'name_key': 'gin_trgm_ops'})
        batch_op.drop_index('ix_household_members_block_joined')
        batch_op.drop_index('ix_household_members_block_first')
        batch_op.drop_index('ix_household_members_name_search')
        batch_op.drop_column('district_id')
        batch_op.drop_column('birth_year')
        batch_op.drop_column('name_block_joined')
        batch_op.drop_column('name_block')
        batch_op.drop_column('name_key')
        batch_op.drop_column('father_or_husband_name')
