"""Database settings per engine: SQLite in WAL mode with a busy timeout and foreign keys on, and savepoints
that stay inside their transaction."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


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
    cannot, and the extra SELECT 1 would cost every request."""
    return {} if url.startswith("sqlite") else {"pool_pre_ping": True}


def init_database(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "savepoint", _begin_before_savepoint)
