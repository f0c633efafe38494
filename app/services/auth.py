"""Signing in and out: password checks, the throttles per CNIC and address and per account, and server-side
sessions."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import LoginSession, LoginThrottle, User
from . import audit, otp
from .context import ServiceContext
from .credentials import check_password, dummy_check
from .privacy import keyed_hash, token_hash


@dataclass(frozen=True)
class SignIn:
    user: User | None
    reason: str = ""  # bad_credentials, wait, needs_code, disabled, expired_password
    wait_until: datetime | None = None  # for wait: when this address may try this CNIC again
    pending: User | None = None  # for needs_code: the account whose code must follow the password


def authenticate(session: Session, ctx: ServiceContext, cnic: str, password: str, *,
                 ip: str | None = None) -> SignIn:
    """Every attempt is audited and a wrong password counts: the caller commits refusals as well as successes.

    Two counts, so that a stranger can neither keep the owner out nor learn who has an account:
    - per CNIC and address (login_throttles): LOGIN_MAX_FAILURES password checks per LOGIN_LOCK_SECONDS
      window, taken one by one under the row's lock, then that address waits. CNICs without an account are
      counted alike, so the wait (message, status, time) is the same whether the CNIC exists or not.
    - per account (users.failed_logins, since the last sign-in): after LOGIN_STEP_UP_FAILURES wrong passwords
      from anywhere, the right password alone no longer signs in; it sends a code to the registered mobile,
      and the password and the code together do. Nobody is locked out; a guessed password is not enough."""
    config = ctx.settings
    now = ctx.now()
    account_key = keyed_hash(ctx.hash_key, f"login:{cnic}")
    address_key = keyed_hash(ctx.hash_key, f"login:{ip or '-'}")
    wait_until = _take_attempt(session, ctx, account_key, address_key, now)
    if wait_until is not None:
        audit.record(session, ctx, "login", cnic=cnic, ip=ip, outcome="wait")
        return SignIn(None, "wait", wait_until=wait_until)
    user = session.scalars(select(User).where(User.cnic == cnic)).first()
    if user is None:
        dummy_check(password, fast=ctx.fast_password_hash)
        audit.record(session, ctx, "login", cnic=cnic, ip=ip, outcome="unknown")
        return SignIn(None, "bad_credentials")
    if not check_password(user.password_hash, password):
        # Counted in one UPDATE so that parallel guesses all count.
        session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="bad_password")
        return SignIn(None, "bad_credentials")
    if user.disabled:
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="disabled")
        return SignIn(None, "disabled")
    if user.must_change_password and user.password_expires_at is not None and user.password_expires_at <= now:
        # An administrator's one-time password left unused too long (services.users.reset_staff_password).
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="expired_password")
        return SignIn(None, "expired_password")
    session.refresh(user, ["failed_logins"])
    if user.failed_logins >= config["LOGIN_STEP_UP_FAILURES"] and user.mobile:
        audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="needs_code")
        return SignIn(None, "needs_code", pending=user)
    _forget_attempts(session, account_key, address_key)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, ctx, "login", actor_id=user.id, cnic=cnic, ip=ip, outcome="success")
    return SignIn(user)


def confirm_sign_in_code(session: Session, ctx: ServiceContext, user: User, code: str, *,
                         ip: str | None = None) -> otp.VerifyResult:
    """The second step after LOGIN_STEP_UP_FAILURES: the code sent to the registered mobile. Success clears
    the account's count; the caller then starts the session."""
    result = otp.verify_otp(session, ctx, user, code, purpose=otp.PURPOSE_SIGN_IN)
    if result.ok:
        user.failed_logins, user.locked_until = 0, None
    audit.record(session, ctx, "login.code", actor_id=user.id, cnic=user.cnic, ip=ip,
                 outcome="success" if result.ok else result.reason)
    return result


def _take_attempt(session: Session, ctx: ServiceContext, account_key: str, address_key: str,
                  now: datetime) -> datetime | None:
    """Take one password check for this CNIC and address; None when taken, else when the address may try again.
    The conditional UPDATE takes the row's lock, so fifty parallel tries take at most the limit between them."""
    limit, window = ctx.settings["LOGIN_MAX_FAILURES"], timedelta(seconds=ctx.settings["LOGIN_LOCK_SECONDS"])
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginThrottle)
        .values(account_hash=account_key, address_hash=address_key, attempts=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["account_hash", "address_hash"])
    )
    over = LoginThrottle.window_started_at <= now - window
    this_pair = (LoginThrottle.account_hash == account_key, LoginThrottle.address_hash == address_key)
    taken = session.execute(
        update(LoginThrottle)
        .where(*this_pair, or_(LoginThrottle.attempts < limit, over))
        .values(attempts=case((over, 1), else_=LoginThrottle.attempts + 1),
                window_started_at=case((over, now), else_=LoginThrottle.window_started_at))
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        return None
    started = session.scalar(select(LoginThrottle.window_started_at).where(*this_pair))
    return started + window


def _forget_attempts(session: Session, account_key: str, address_key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.account_hash == account_key,
                                                LoginThrottle.address_hash == address_key))


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
