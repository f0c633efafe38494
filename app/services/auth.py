"""Signing in and out: password checks, the per-account throttle, and server-side sessions."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import LoginSession, User
from . import audit
from .context import ServiceContext
from .credentials import check_password, dummy_check
from .privacy import keyed_hash, token_hash


@dataclass(frozen=True)
class SignIn:
    user: User | None
    reason: str = ""  # bad_credentials, locked, disabled
    locked_until: datetime | None = None


def authenticate(session: Session, ctx: ServiceContext, cnic: str, password: str, *,
                 ip: str | None = None) -> SignIn:
    """Every attempt is audited and a wrong password counts against the account: the caller commits
    refusals as well as successes."""
    config = ctx.settings
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    now = ctx.now()
    if user is None:
        dummy_check(password, fast=ctx.fast_password_hash)
        audit.record(session, ctx, "login", cnic=cnic, ip=ip, outcome="unknown")
        return SignIn(None, "bad_credentials")
    if user.locked_until and user.locked_until > now:
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="locked")
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
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="bad_password")
        if locked_until:
            return SignIn(None, "locked", locked_until)
        return SignIn(None, "bad_credentials")
    if user.disabled:
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="disabled")
        return SignIn(None, "disabled")
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="success")
    return SignIn(user)


def start_session(session: Session, ctx: ServiceContext, user: User, *, ip: str | None,
                  user_agent: str | None) -> str:
    """Return the random token to keep in the signed cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = ctx.now()
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + ctx.session_lifetime,
            ip_hash=keyed_hash(ctx.hash_key, ip),
            user_agent=(user_agent or "")[:200],
        )
    )
    return token


def user_for_session(session: Session, ctx: ServiceContext, user_id: int, token: str | None) -> User | None:
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
            LoginSession.expires_at > ctx.now(),
        )
    ).first()
    if row is None or row.User.disabled:
        return None
    return row.User


def end_session(session: Session, ctx: ServiceContext, token: str | None, *, actor_id: int | None = None) -> None:
    if token:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=ctx.now())
        )
        audit.record(session, ctx, "logout", actor_id=actor_id, outcome="success")


def end_all_sessions(session: Session, ctx: ServiceContext, user_id: int) -> int:
    """Sign the account out of every browser (after a new password): returns how many sessions ended."""
    return session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=ctx.now())
    ).rowcount
