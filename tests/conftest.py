"""Fixtures: one app and one migrated database per run (SQLite, or PostgreSQL via TEST_DATABASE_URL),
emptied between tests; a client that carries CSRF tokens like a browser; users of every role."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter

# A shared 2-core machine may pause any example: judge properties by their outcome, never by a timer.
settings.register_profile("pser", deadline=None, max_examples=100)
settings.load_profile("pser")

KEEP_TABLES = {"areas", "alembic_version"}  # reference data loaded once per run
PASSWORD = "Kites-Over-Ravi-77"


def _database_url(tmp: Path) -> str:
    # Only TEST_DATABASE_URL: the suite empties tables, so it must never pick up a real DATABASE_URL.
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app():
    tmp = Path(tempfile.mkdtemp(prefix="pser-test-"))
    url = _database_url(tmp)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "FAST_PASSWORD_HASH": True,
            "SECRET_KEY": "test-secret-key-with-enough-length-0123456789",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SMS_BACKEND": "console",
            "REDIS_URL": "",  # jobs run inline; tests of the RQ path point one runner at Redis themselves
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        from app.services.areas import load_areas
        from app.unit_of_work import unit_of_work

        with unit_of_work(_db.session) as session:
            load_areas(session)
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()  # close pooled connections before exit: no ResourceWarning at shutdown


@pytest.fixture(autouse=True)
def _clean_state(request):
    if "app" not in request.fixturenames:  # plain domain tests need no app
        yield
        return
    app = request.getfixturevalue("app")
    yield
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # the audit log's trigger lets only maintenance empty it
                conn.execute(text("SET LOCAL pser.audit_maintenance = 'on'"))
            for table in reversed(_db.metadata.sorted_tables):
                if table.name not in KEEP_TABLES:
                    conn.execute(table.delete())
    limiter.reset()


@pytest.fixture
def db(app):
    """A session of the test's own, outside any app context: requests made by the test client must get
    their own app context (and `g`), as they do in production."""
    with app.app_context():
        engine = _db.engine
    session = Session(engine)
    yield session
    session.close()


@pytest.fixture
def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


class Browserish:
    """A test client that reads the CSRF token from the last page, as a browser submits it."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def __getattr__(self, name):
        return getattr(self.client, name)

    def get(self, *args, **kwargs):
        response = self.client.get(*args, **kwargs)
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', response.data) or re.search(
            rb'"X-CSRFToken": "([^"]+)"', response.data
        )
        if match:
            self.token = match.group(1).decode()
        return response

    def post(self, url, data=None, htmx=False, csrf=True, headers=None, **kwargs):
        data = dict(data or {})
        headers = dict(headers or {})
        if csrf:
            if self.token is None:
                self.get("/")
            data.setdefault("csrf_token", self.token)
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(url, data=data, headers=headers, **kwargs)


@pytest.fixture
def client(app):
    return Browserish(app.test_client())


@pytest.fixture
def make_user(app):
    from app.services.areas import find_area
    from app.services.users import create_user
    from app.unit_of_work import service_context, unit_of_work

    counter = iter(range(1000, 100000))

    def make(role="citizen", cnic=None, name="Test Person", password=PASSWORD, area=None, **kw):
        with app.app_context():
            cnic = cnic or f"35202-{next(counter):07d}-{1 if role != 'citizen' else 2}"
            area_obj = find_area(_db.session, area) if area else None
            with unit_of_work(_db.session) as session:
                user = create_user(session, service_context(), role=role, cnic=cnic, name=name, password=password,
                                   area=area_obj, check_password_strength=False, **kw)
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return make


@pytest.fixture
def login_as(client, make_user):
    """Sign in through the real login form as a new user of `role`; returns the user."""

    def login(role="citizen", **kw):
        user = make_user(role, **kw)
        client.get("/login")
        response = client.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
        assert response.status_code == 302, response.data[:500]
        return user

    return login


def outbox_codes(app, mobile: str) -> list[str]:
    """The OTPs sent to a mobile, newest last, read from the SMS outbox as a tester reads the phone."""
    from app.models import SmsMessage

    with app.app_context():
        bodies = _db.session.scalars(
            _db.select(SmsMessage.body).where(SmsMessage.to_mobile == mobile).order_by(SmsMessage.id)
        ).all()
    return [m.group(0) for body in bodies if (m := re.search(r"\b\d{6}\b", body))]
