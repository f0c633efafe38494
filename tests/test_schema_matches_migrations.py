"""The answer columns the models make from the question catalogue are exactly those the migrations created:
a question added to the catalogue without its migration (or the other way round) fails here."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db as _db

ANSWER_TABLES = {"households", "household_members"}


def _table_of(diff) -> str | None:
    for item in diff if isinstance(diff, tuple) else diff[0]:
        table = getattr(item, "table", None)
        if table is not None:
            return table.name
        if isinstance(item, str) and item in ANSWER_TABLES:
            return item
        name = getattr(item, "name", None)
        if name in ANSWER_TABLES:
            return name
    return None


def test_household_and_member_columns_match_the_migrated_database(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, _db.metadata) if _table_of(d) in ANSWER_TABLES]
    assert diffs == []
