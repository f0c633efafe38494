"""Signing in as a use case: every refusal is recorded and counted for the caller to commit; the lock
follows the clock, not the wall."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEntry, LoginSession
from app.services import auth
from tests.factories import PASSWORD, make_user


def test_wrong_passwords_count_up_to_a_lock_that_ends_by_the_clock(session, ctx, clock):
    user = make_user(session, cnic="35202-1234567-1")
    session.commit()
    limit = ctx.settings["LOGIN_MAX_FAILURES"]

    for _ in range(limit - 1):
        assert auth.authenticate(session, ctx, user.cnic, "wrong", ip=None).reason == "bad_credentials"
    assert user.failed_logins == limit - 1
    locked = auth.authenticate(session, ctx, user.cnic, "wrong", ip=None)
    assert locked.reason == "locked"
    assert locked.locked_until == clock() + timedelta(seconds=ctx.settings["LOGIN_LOCK_SECONDS"])
    assert auth.authenticate(session, ctx, user.cnic, PASSWORD, ip=None).reason == "locked"
    clock.advance(seconds=ctx.settings["LOGIN_LOCK_SECONDS"])
    assert auth.authenticate(session, ctx, user.cnic, PASSWORD, ip=None).user is user
    session.commit()  # the caller's commit: refusals and the success alike
    assert session.scalars(select(AuditEntry.outcome).order_by(AuditEntry.id)).all() == (
        ["bad_password"] * limit + ["locked", "success"])


def test_a_session_lasts_the_configured_lifetime_and_ends_on_sign_out(session, ctx, clock):
    user = make_user(session)
    session.commit()

    token = auth.start_session(session, ctx, user, ip="10.0.0.1", user_agent="phone")
    assert session.scalars(select(LoginSession.expires_at)).one() == clock() + ctx.session_lifetime
    assert auth.user_for_session(session, ctx, user.id, token) is user
    clock.advance(seconds=ctx.session_lifetime.total_seconds())
    assert auth.user_for_session(session, ctx, user.id, token) is None
    session.rollback()
    assert session.scalars(select(LoginSession)).all() == []
