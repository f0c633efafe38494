"""The audit log is append-only: the application never updates or deletes an entry (there is no retention
purge: services.housekeeping leaves the log alone), and on PostgreSQL a trigger refuses UPDATE, DELETE and
TRUNCATE, except in a maintenance session that says so (the test suite's emptying of tables)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db as _db
from app.models import AuditEntry

APP = Path(__file__).resolve().parent.parent / "app"
# Any statement that could change or remove an entry: ORM or Core update/delete of the model or its table, or
# raw SQL naming the table.
CHANGES = re.compile(r"(update|delete)\(\s*(AuditEntry|audit_entries)\b|(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?audit_entries",
                     re.IGNORECASE)


def test_nothing_in_the_application_updates_or_deletes_an_audit_entry():
    offenders = [f"{path.relative_to(APP)}: {match.group(0)}" for path in APP.rglob("*.py")
                 for match in CHANGES.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
    # ... nor switches the trigger's maintenance setting
    assert [p for p in APP.rglob("*.py") if "audit_maintenance" in p.read_text(encoding="utf-8")] == []


def test_the_pattern_would_catch_an_update(tmp_path):
    assert CHANGES.search("session.execute(update(AuditEntry).values(reason='x'))")
    assert CHANGES.search("conn.execute(text('DELETE FROM audit_entries'))")


def _an_entry(app) -> int:
    with app.app_context():
        entry = AuditEntry(action="test.entry", outcome="kept")
        _db.session.add(entry)
        _db.session.commit()
        entry_id = entry.id
        _db.session.remove()
    return entry_id


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET outcome = 'changed' WHERE id = :id",
                                       "DELETE FROM audit_entries WHERE id = :id",
                                       "TRUNCATE audit_entries"])
def test_postgresql_refuses_to_change_or_remove_an_audit_entry(app, is_postgres, statement):
    if not is_postgres:
        pytest.skip("the trigger is PostgreSQL's (TEST_DATABASE_URL)")
    entry_id = _an_entry(app)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            with _db.engine.begin() as conn:
                conn.execute(text(statement), {"id": entry_id} if ":id" in statement else {})
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT outcome FROM audit_entries WHERE id = :id"), {"id": entry_id}).scalar() == "kept"


def test_postgresql_lets_a_declared_maintenance_session_empty_the_log(app, is_postgres):
    if not is_postgres:
        pytest.skip("the trigger is PostgreSQL's (TEST_DATABASE_URL)")
    entry_id = _an_entry(app)
    with app.app_context(), _db.engine.begin() as conn:
        conn.execute(text("SET LOCAL pser.audit_maintenance = 'on'"))
        assert conn.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": entry_id}).rowcount == 1


def test_removing_an_unverified_account_leaves_its_entries_as_they_were(app, db, make_user):
    """No referential action rewrites the log: the entries keep the number of the account that acted."""
    from app.models import User
    from app.services import audit
    from app.services.registration import release_unverified
    from app.unit_of_work import service_context, unit_of_work

    helpdesk = make_user("helpdesk")
    with app.app_context():
        with unit_of_work(_db.session) as session:
            user = User(cnic="35202-9990001-2", full_name="Unverified", role="citizen", password_hash="x")
            session.add(user)
            session.flush()
            audit.record(session, service_context(), "registration", actor_id=user.id, outcome="created")
            user_id = user.id
        with unit_of_work(_db.session) as session:
            actor = session.get(User, helpdesk.id)
            assert release_unverified(session, service_context(), "35202-9990001-2", actor=actor, reason="owner called")
        _db.session.remove()
    assert db.get(User, user_id) is None
    assert db.scalar(__import__("sqlalchemy").select(AuditEntry.actor_id).where(AuditEntry.action == "registration")) == user_id
