"""Signing in as a use case: every refusal is recorded and counted for the caller to commit; the lock
follows the clock, not the wall."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEntry, LoginSession
from app.services import auth, otp
from tests.factories import PASSWORD, make_user


def test_wrong_passwords_from_one_address_count_up_to_a_wait_that_ends_by_the_clock(session, ctx, clock):
    user = make_user(session, cnic="35202-1234567-1")
    session.commit()
    limit = ctx.settings["LOGIN_MAX_FAILURES"]

    for _ in range(limit):
        assert auth.authenticate(session, ctx, user.cnic, "wrong", ip="10.0.0.9").reason == "bad_credentials"
    waiting = auth.authenticate(session, ctx, user.cnic, PASSWORD, ip="10.0.0.9")
    assert waiting.reason == "wait"
    assert waiting.wait_until == clock() + timedelta(seconds=ctx.settings["LOGIN_LOCK_SECONDS"])
    # The owner at another address is not held up by this one's wrong passwords.
    assert auth.authenticate(session, ctx, user.cnic, PASSWORD, ip="10.0.0.1").user is user
    clock.advance(seconds=ctx.settings["LOGIN_LOCK_SECONDS"])
    assert auth.authenticate(session, ctx, user.cnic, PASSWORD, ip="10.0.0.9").user is user
    session.commit()  # the caller's commit: refusals and the success alike
    assert session.scalars(select(AuditEntry.outcome).order_by(AuditEntry.id)).all() == (
        ["bad_password"] * limit + ["wait", "success", "success"])


def test_after_many_wrong_passwords_from_anywhere_the_right_one_needs_the_code_sent_to_the_mobile(
        session, ctx, notifier):
    user = make_user(session, cnic="35202-1234567-1", mobile="03001234567")
    session.commit()
    for n in range(ctx.settings["LOGIN_STEP_UP_FAILURES"]):
        auth.authenticate(session, ctx, user.cnic, "wrong", ip=f"10.1.0.{n}")

    result = auth.authenticate(session, ctx, user.cnic, PASSWORD, ip="10.0.0.1")
    assert result.user is None and result.reason == "needs_code" and result.pending is user
    otp.issue_otp(session, ctx, user, otp.PURPOSE_SIGN_IN)
    code = notifier.sent[-1].params["code"]
    assert auth.confirm_sign_in_code(session, ctx, user, "000000" if code != "000000" else "111111").ok is False
    assert auth.confirm_sign_in_code(session, ctx, user, code).ok
    assert user.failed_logins == 0
    assert auth.authenticate(session, ctx, user.cnic, PASSWORD, ip="10.0.0.1").user is user


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


def test_clean_up_forgets_wrong_password_counts_a_day_after_their_window(session, ctx, clock):
    from app.models import LoginThrottle
    from app.services.housekeeping import clean_up

    auth.authenticate(session, ctx, "35202-1234567-1", "wrong", ip="10.0.0.9")
    session.commit()
    assert clean_up(session, now=clock())["sign-in counts"] == 0
    clock.advance(seconds=ctx.settings["LOGIN_LOCK_SECONDS"] + 24 * 3600)
    assert clean_up(session, now=clock())["sign-in counts"] == 1
    assert session.scalars(select(LoginThrottle)).all() == []
