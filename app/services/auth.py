"""Signing in and out: password checks, the per-account throttle, and server-side sessions."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import LoginSession, User
from ..models.base import utcnow
from . import audit
from .credentials import check_password, dummy_check
from .privacy import keyed_hash, token_hash


@dataclass(frozen=True)
class SignIn:
    user: User | None
    reason: str = ""  # bad_credentials, locked, disabled
    locked_until: datetime | None = None


def authenticate(session: Session, cnic: str, password: str, *, ip: str | None = None) -> SignIn:
    config = current_app.config
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    now = utcnow()
    if user is None:
        dummy_check(password)
        audit.record(session, "login", cnic=cnic, ip=ip, outcome="unknown")
        session.commit()
        return SignIn(None, "bad_credentials")
    if user.locked_until and user.locked_until > now:
        audit.record(session, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="locked")
        session.commit()
        return SignIn(None, "locked", user.locked_until)
    if not check_password(user.password_hash, password):
        # Counted in one UPDATE so that parallel guesses all count.
        session.execute(
            update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        )
        session.refresh(user)
        locked_until = None
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            locked_until = now + timedelta(seconds=config["LOGIN_LOCK_SECONDS"])
            user.locked_until, user.failed_logins = locked_until, 0
        audit.record(session, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="bad_password")
        session.commit()
        if locked_until:
            return SignIn(None, "locked", locked_until)
        return SignIn(None, "bad_credentials")
    if user.disabled:
        audit.record(session, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="disabled")
        session.commit()
        return SignIn(None, "disabled")
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="success")
    session.commit()
    return SignIn(user)


def start_session(session: Session, user: User, *, ip: str | None, user_agent: str | None) -> str:
    """Return the random token to keep in the signed cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    lifetime = current_app.permanent_session_lifetime
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + lifetime,
            ip_hash=keyed_hash(ip),
            user_agent=(user_agent or "")[:200],
        )
    )
    session.commit()
    return token


def user_for_session(session: Session, user_id: int, token: str | None) -> User | None:
    """The signed-in user, if this browser's session is still open in the database."""
    if not token:
        return None
    row = session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(
            LoginSession.token_hash == token_hash(token),
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > utcnow(),
        )
    ).first()
    if row is None or row.User.disabled:
        return None
    return row.User


def end_session(session: Session, token: str | None, *, actor_id: int | None = None) -> None:
    if token:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        audit.record(session, "logout", actor_id=actor_id, outcome="success")
        session.commit()
