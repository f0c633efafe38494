"""Fifty requests at once against a limit the database counts: the limit holds exactly (PostgreSQL decides)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.models import AuditEntry, OtpChallenge, User
from app.models.base import utcnow
from tests.conftest import Browserish
from tests.helpers import at_the_same_instant, valid_registration

MOBILE = "03001234567"


def _registered_phone(app):
    """A browser that has just registered and waits on /verify; its cookie and CSRF token to copy."""
    browser = Browserish(app.test_client())
    browser.get("/register")
    assert browser.post("/register", data=valid_registration(mobile=MOBILE)).status_code == 302
    browser.get("/verify")
    return browser.client.get_cookie("pser_session").value, browser.token


def _fifty_resends(app, cookie, token):
    def resend():
        phone = app.test_client()
        phone.set_cookie("pser_session", cookie)
        return phone.post("/verify/resend", data={"csrf_token": token}).status_code

    return at_the_same_instant([resend] * 50)


def _codes_sent(db) -> int:
    return db.scalar(select(func.count()).select_from(OtpChallenge))


def test_fifty_parallel_resends_after_the_cool_down_send_exactly_one_code(app, db, is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's row lock; run with TEST_DATABASE_URL")
    cookie, token = _registered_phone(app)
    db.execute(update(OtpChallenge).values(last_sent_at=utcnow() - timedelta(minutes=2)))
    db.commit()

    statuses = _fifty_resends(app, cookie, token)

    assert statuses == [302] * 50, statuses
    assert _codes_sent(db) == 2  # the registration's code and exactly one more
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "otp.resend")).all().count("sent") == 1


def test_fifty_parallel_resends_never_pass_the_daily_cap(app, db, is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's row lock; run with TEST_DATABASE_URL")
    cookie, token = _registered_phone(app)
    cap = app.config["OTP_MAX_SENDS"]
    user_id = db.scalar(select(User.id))
    long_ago = utcnow() - timedelta(hours=1)
    # The day's codes but one are used up, the last of them long enough ago for the cool-down.
    db.add_all(OtpChallenge(user_id=user_id, code_hash="0" * 64, created_at=long_ago, last_sent_at=long_ago,
                            expires_at=long_ago) for _ in range(cap - 2))
    db.execute(update(OtpChallenge).values(last_sent_at=long_ago))
    db.commit()
    assert _codes_sent(db) == cap - 1

    _fifty_resends(app, cookie, token)

    assert _codes_sent(db) == cap


def _fifty_wrong_passwords(app, cnic):
    browser = Browserish(app.test_client())
    browser.get("/login")
    cookie, token = browser.client.get_cookie("pser_session").value, browser.token

    def guess():
        phone = app.test_client()
        phone.set_cookie("pser_session", cookie)
        return phone.post("/login", data={"cnic": cnic, "password": "Wrong-Guess-2026", "csrf_token": token}).status_code

    return at_the_same_instant([guess] * 50)


@pytest.mark.parametrize("has_account", [True, False], ids=["known CNIC", "unknown CNIC"])
def test_fifty_parallel_wrong_passwords_run_no_more_password_checks_than_the_limit(app, db, make_user, is_postgres,
                                                                                   has_account):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's row lock; run with TEST_DATABASE_URL")
    cnic = "35202-1000001-2"
    if has_account:
        make_user("citizen", cnic=cnic)

    statuses = _fifty_wrong_passwords(app, cnic)

    assert statuses == [422] * 50, statuses
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login")).all()
    checked = "bad_password" if has_account else "unknown"
    assert sorted(set(outcomes)) == sorted({checked, "wait"})
    assert outcomes.count(checked) == app.config["LOGIN_MAX_FAILURES"]
    if has_account:
        assert db.scalars(select(User.failed_logins)).one() == app.config["LOGIN_MAX_FAILURES"]
