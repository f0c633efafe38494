"""Replayed POSTs change nothing: a form carries `idempotency_key`, made when it was rendered; the first
request with a key runs and its answer is kept; any replay gets that answer again.

The key's row is inserted in the request's own transaction, before the change it guards, and committed with
that change and its answer (see app.unit_of_work). So of fifty simultaneous replays the database's unique
index lets exactly one through; the others wait on the index until it commits, then replay its answer.

A key answers only where it was made: it is stored hashed together with the user (or, before sign-in, the
browser's session) and the path, so the same key sent by someone else or to another form is a new request
and never shows another person's answer."""
from __future__ import annotations

import hashlib
import secrets
import time
from functools import wraps

from flask import Response, current_app, request, session
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .models import IdempotentRequest

FIELD = "idempotency_key"
WAIT_SECONDS = 10
_KEPT = select(IdempotentRequest.status, IdempotentRequest.body, IdempotentRequest.location)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def _scoped(key: str, user_id: int | None) -> str:
    """The stored key: the form's key bound to who sent it and where (64 hex characters, the column's size)."""
    if user_id is not None:
        owner = f"user:{user_id}"
    else:
        # Flask-WTF keeps the CSRF secret in the session: it names this browser until it signs in.
        owner = "browser:" + str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
    return hashlib.sha256(f"{owner}\n{request.path}\n{key}".encode()).hexdigest()


def _replay(kept) -> Response:
    response = current_app.response_class(kept.body or b"", status=kept.status, mimetype="text/html")
    if kept.location:
        header = "HX-Redirect" if kept.status == 204 else "Location"
        response.headers[header] = kept.location
    response.headers["X-Idempotent-Replay"] = "true"
    response.vary.add("HX-Request")
    return response


def _kept(key: str):
    """The answer kept for `key` (status, body, location), or None. Plain columns, not an ORM object, so each
    read sees what has been committed since (PostgreSQL's READ COMMITTED), not a copy from the session."""
    return db.session.execute(_KEPT.where(IdempotentRequest.key == key)).first()


def _finished(key: str):
    """The kept answer of the first request with this key. Its row is committed with its answer, so this
    waits only for a row written by an earlier version of the portal, which committed the two apart."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        kept = _kept(key)
        if kept is None or kept.status or time.monotonic() > deadline:
            return kept
        time.sleep(0.05)


def _free(key: str) -> None:
    db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.key == key, IdempotentRequest.status == 0))


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = (request.form.get(FIELD) or "")[:64]
        if request.method != "POST" or len(key) < 16:
            return view(*args, **kwargs)
        user_id = current_user.id if current_user.is_authenticated else None
        key = _scoped(key, user_id)
        kept = _finished(key) if _kept(key) is not None else None
        if kept is not None and kept.status:
            return _replay(kept)
        row = IdempotentRequest(key=key, user_id=user_id, path=request.path[:200], status=0)
        try:
            # Takes the unique index: a concurrent twin waits here until the first commits, then fails. The
            # savepoint undoes only this insert, so the request goes on to replay the first one's answer.
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            kept = _finished(key)
            if kept is not None and kept.status:
                return _replay(kept)
            return view(*args, **kwargs)
        # An exception rolls the whole request back, this row with it: the key stays free. An abort() (a 403 or
        # 404) is committed like any refusal, so its pending row must go too, or a later POST with the key
        # would wait for an answer that never comes.
        try:
            response = view(*args, **kwargs)
        except HTTPException:
            _free(key)
            raise
        if response.status_code >= 400:
            # Nothing changed (a refusal, a conflict): the key is freed, so the corrected form, which carries
            # the same key, is taken as the first request it really is. What the refusal recorded (an audit
            # entry) is committed with the request.
            _free(key)
            return response
        # Kept with the change, in the same commit, for any replay.
        row.status = response.status_code
        row.location = response.headers.get("HX-Redirect") or response.headers.get("Location")
        row.body = response.get_data() if not response.direct_passthrough else None
        return response

    return wrapped
