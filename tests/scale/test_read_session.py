"""The read session for dashboards: the request's own session by default; with DATABASE_READ_URL a
separate, read-only one (tests/scale/test_read_replica.py runs it against a real streaming replica)."""
from __future__ import annotations

import pytest

from app.database import READ_ENGINE, _read_engine, read_session
from app.extensions import db
from app.models import AuditEntry


def test_without_a_replica_dashboards_read_the_primary_session(app):
    assert not app.config["DATABASE_READ_URL"]
    with app.test_request_context():
        assert read_session() is db.session()


@pytest.fixture
def read_url_set(app, monkeypatch):
    """As if DATABASE_READ_URL named a replica: here the same database, through a second engine."""
    engine = _read_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setitem(app.extensions, READ_ENGINE, engine)
    yield engine
    engine.dispose()


def test_with_a_replica_dashboards_get_their_own_session_closed_with_the_request(app, read_url_set):
    with app.test_request_context():
        session = read_session()
        assert session is not db.session() and session.get_bind() is read_url_set
        assert read_session() is session  # one per request
        session.execute(db.select(AuditEntry.id).limit(1))
        assert session.in_transaction()
    assert not session.in_transaction()  # closed at the end of the request


def test_a_write_through_the_read_session_is_refused(app, read_url_set):
    with app.test_request_context():
        session = read_session()
        session.add(AuditEntry(action="written.on.replica"))
        with pytest.raises(RuntimeError, match="for reading"):
            session.flush()


def test_admin_home_and_helpdesk_dashboard_work_with_a_read_url(app, read_url_set, login_as, client):
    login_as("admin")
    assert client.get("/admin/").status_code == 200
    assert client.get("/helpdesk/dashboard").status_code == 200
