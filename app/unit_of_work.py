"""Who owns the transaction: one request is one transaction, and so is one command or background job.
Services only add to the session they are given; the code here commits or rolls back, and nothing else does.

- A request commits when its answer is not a server error: a refusal (4xx) keeps what it recorded on the
  way (audit entries, failed sign-in counts, the try of a wrong code). A 5xx or an exception rolls back.
- A command or a job runs inside `with unit_of_work(session):`, which commits on success and rolls back on
  any error."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app
from sqlalchemy.orm import Session

from .extensions import db
from .services.context import ServiceContext

CONTEXT = "pser_context"


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """One transaction for a command or a job: commit when the block ends, roll back if it raises."""
    session = session if session is not None else db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def service_context(app: Flask | None = None) -> ServiceContext:
    """The services' settings, clock and notifier, made once per app from its configuration."""
    return (app or current_app).extensions[CONTEXT]


def roll_back_request() -> None:
    """Undo the request's changes before an error page is rendered (it may read the database)."""
    if db.session.registry.has():
        db.session.rollback()


def init_unit_of_work(app: Flask) -> None:
    app.extensions[CONTEXT] = ServiceContext.from_config(app.config)

    @app.after_request
    def end_request_transaction(response: Response) -> Response:
        if not db.session.registry.has():  # the request never touched the database
            return response
        if response.status_code >= 500:
            db.session.rollback()
        else:
            db.session.commit()
        return response
