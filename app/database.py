"""Database settings per engine (SQLite in WAL mode with a busy timeout and foreign keys on, and savepoints
that stay inside their transaction), and the read-only session that dashboards, exports and statistics use:
a replica's when DATABASE_READ_URL is set."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

READ_ENGINE = "pser_read_engine"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_savepoint(connection, _name) -> None:
    # pysqlite opens a transaction only before a write, so a SAVEPOINT sent first would open one of its own,
    # and its RELEASE would commit it mid-request. Open the real transaction first: a savepoint then stays
    # inside the unit of work, which alone commits (see app.unit_of_work).
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")


def engine_options(url: str) -> dict:
    """A server database may restart under us: test each pooled connection before use. A SQLite file
    cannot, and the extra SELECT 1 would cost every request. On every engine, an error never carries the
    statement's bound values (CNICs, names, mobiles, addresses, GPS, password hashes) into a log line."""
    options: dict = {"hide_parameters": True}
    if not url.startswith("sqlite"):
        options["pool_pre_ping"] = True
    return options


def _read_engine(url: str) -> Engine:
    options = engine_options(url)
    if url.startswith("postgresql"):
        # Read-only transactions: a write sent here by mistake fails on the primary too, not only on a replica.
        options["execution_options"] = {"postgresql_readonly": True}
        options["connect_args"] = {"application_name": "pser-read"}
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _refuse_writes(session, _context, _instances) -> None:
    raise RuntimeError("read_session() is for reading: write through db.session")


def init_database(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "savepoint", _begin_before_savepoint)
    read_url = app.config.get("DATABASE_READ_URL")
    if read_url:
        app.extensions[READ_ENGINE] = _read_engine(read_url)

    @app.teardown_appcontext
    def close_read_session(_exc) -> None:
        session = g.pop("read_session", None)
        if session is not None:
            session.close()


def read_session() -> Session:
    """The session for dashboards, exports and statistics. With DATABASE_READ_URL it reads a replica
    (which may lag the primary by a moment; never use it to decide a write); without, it is the request's
    own session. One per app context, closed with it."""
    engine = current_app.extensions.get(READ_ENGINE)
    if engine is None:
        return db.session()
    if "read_session" not in g:
        session = Session(engine, autoflush=False, expire_on_commit=False)
        event.listen(session, "before_flush", _refuse_writes)
        g.read_session = session
    return g.read_session


def dispose_read_engine(app: Flask) -> None:
    """Close the replica's pooled connections (tests, and processes that fork after create_app)."""
    engine = app.extensions.get(READ_ENGINE)
    if engine is not None:
        engine.dispose()
