"""Replayed POSTs change nothing: a form carries `idempotency_key`, made when it was rendered; the first
request with a key runs and its answer is kept; any replay gets that answer again.

The key's row is inserted in the same transaction as the change it guards, so of fifty simultaneous
replays the database's unique index lets exactly one through; the others wait for it and replay it."""
from __future__ import annotations

import secrets
import time
from functools import wraps

from flask import Response, current_app, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import IdempotentRequest

FIELD = "idempotency_key"
WAIT_SECONDS = 10


def new_key() -> str:
    return secrets.token_urlsafe(24)


def _replay(row: IdempotentRequest) -> Response:
    response = current_app.response_class(row.body or b"", status=row.status, mimetype="text/html")
    if row.location:
        header = "HX-Redirect" if row.status == 204 else "Location"
        response.headers[header] = row.location
    response.headers["X-Idempotent-Replay"] = "true"
    response.vary.add("HX-Request")
    return response


def _finished(key: str) -> IdempotentRequest | None:
    """Wait for the first request with this key to finish, and return its kept answer."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        db.session.rollback()
        row = db.session.scalars(select(IdempotentRequest).where(IdempotentRequest.key == key)).first()
        if row is None or row.status or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


def _forget(key: str) -> None:
    db.session.rollback()
    db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.key == key, IdempotentRequest.status == 0))
    db.session.commit()


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = (request.form.get(FIELD) or "")[:64]
        if request.method != "POST" or len(key) < 16:
            return view(*args, **kwargs)
        user_id = current_user.id if current_user.is_authenticated else None
        existing = _finished(key) if db.session.scalar(
            select(IdempotentRequest.id).where(IdempotentRequest.key == key)) else None
        if existing is not None and existing.status:
            return _replay(existing)
        row = IdempotentRequest(key=key, user_id=user_id, path=request.path[:200], status=0)
        db.session.add(row)
        try:
            db.session.flush()  # takes the unique index: a concurrent twin waits here, then fails
        except IntegrityError:
            db.session.rollback()
            existing = _finished(key)
            if existing is not None and existing.status:
                return _replay(existing)
            return view(*args, **kwargs)
        try:
            response = view(*args, **kwargs)
        except Exception:
            _forget(key)
            raise
        if response.status_code >= 400:
            # Nothing changed (a refusal, a conflict): the key stays free, so the corrected form, which
            # carries the same key, is taken as the first request it really is.
            _forget(key)
            return response
        # The view committed its change with the pending row; now keep its answer for replays.
        row = db.session.merge(row) if row not in db.session else row
        row.status = response.status_code
        row.location = response.headers.get("HX-Redirect") or response.headers.get("Location")
        row.body = response.get_data() if not response.direct_passthrough else None
        try:
            db.session.commit()
        except IntegrityError:  # a twin slipped in after the view rolled back: its answer stands
            db.session.rollback()
        return response

    return wrapped
