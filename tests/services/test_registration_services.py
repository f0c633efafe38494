"""Signing up and verifying the mobile, as use cases without HTTP: what they add, what they send, and that
the caller's rollback undoes all of it (the service commits nothing)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.models import AuditEntry, Household, HouseholdStatusChange, OtpChallenge, User
from app.services import audit, otp, registration
from app.services.registration import CnicAlreadyRegistered, Registration
from tests.factories import PASSWORD, make_user
from tests.services.conftest import count_rows


def _registration(cnic="35202-1234567-1", locale="ur") -> Registration:
    return Registration(full_name="Nadia Khan", cnic=cnic, network="jazz", mobile="03001234567",
                        email=None, password=PASSWORD, locale=locale)


def test_registering_adds_account_household_history_and_a_code_in_the_citizens_language(session, ctx, notifier, clock):
    user = registration.register_citizen(session, ctx, _registration(locale="en"), ip="10.0.0.1")

    assert user.household.status == HouseholdStatus.REGISTERED and user.mobile_verified_at is None
    assert [c.to_status for c in session.scalars(select(HouseholdStatusChange))] == [HouseholdStatus.REGISTERED]
    challenge = otp.current_challenge(session, user.id)
    assert challenge.expires_at == clock() + timedelta(seconds=ctx.settings["OTP_TTL_SECONDS"])
    [sms] = notifier.sent
    assert (sms.to_mobile, sms.message, sms.locale, sms.purpose) == ("03001234567", otp.CODE_SMS, "en", "verify_mobile")
    assert len(sms.params["code"]) == 6 and sms.params["minutes"] == 10
    assert session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "registration")).all() == ["created"]

    session.rollback()
    assert count_rows(session, User) == count_rows(session, Household) == count_rows(session, OtpChallenge) == 0
    assert count_rows(session, AuditEntry) == 0


def test_a_registered_cnic_is_refused_and_the_refusal_is_left_for_the_caller_to_commit(session, ctx, notifier):
    make_user(session, cnic="35202-1234567-1")
    session.commit()

    with pytest.raises(CnicAlreadyRegistered):
        registration.register_citizen(session, ctx, _registration(), ip="10.0.0.1")
    assert notifier.sent == []
    session.commit()  # the caller's choice: a refusal keeps its audit entry
    assert session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "registration")).all() == ["duplicate"]
    assert count_rows(session, User) == 1


def test_losing_the_race_for_a_cnic_undoes_only_the_new_rows_not_the_callers_work(session, ctx, monkeypatch, app,
                                                                                  is_postgres):
    """Another sign-up with the same CNIC lands while this one hashes its password: the unique index
    decides, a savepoint undoes this attempt's rows, and the rest of the transaction carries on."""
    from app.extensions import db

    if is_postgres:  # on SQLite earlier writes would hold the file's only write lock: no race could land
        audit.record(session, ctx, "before", outcome="kept")  # earlier work of the same unit of work
    with app.app_context():
        engine = db.engine

    def hash_while_another_registers(password, *, fast):
        with engine.begin() as other:
            other.execute(User.__table__.insert().values(cnic="35202-1234567-1", full_name="Faster", role="citizen",
                                                         password_hash="x", failed_logins=0, disabled=False,
                                                         created_at=ctx.now()))
        return "hash"

    monkeypatch.setattr(registration, "hash_password", hash_while_another_registers)
    with pytest.raises(CnicAlreadyRegistered):
        registration.register_citizen(session, ctx, _registration(), ip="10.0.0.1")
    session.commit()

    assert session.scalars(select(User.full_name)).all() == ["Faster"]
    assert count_rows(session, Household) == 0
    assert sorted(session.scalars(select(AuditEntry.action + ":" + AuditEntry.outcome))) == [
        *(["before:kept"] if is_postgres else []), "registration:duplicate"]


def test_an_unverified_account_older_than_a_day_gives_way_in_the_same_transaction(session, ctx, clock):
    stale = make_user(session, cnic="35202-1234567-1", verified=False,
                      created_at=clock() - timedelta(seconds=ctx.settings["UNVERIFIED_ACCOUNT_TTL_SECONDS"] + 1))
    session.commit()

    assert stale.full_name == "Test Person"
    registration.register_citizen(session, ctx, _registration(), ip=None)
    assert session.scalars(select(User.full_name)).all() == ["Nadia Khan"]
    session.rollback()
    assert session.scalars(select(User.full_name)).all() == ["Test Person"]


def _registered_with_code(session, ctx, notifier) -> tuple[User, str]:
    user = registration.register_citizen(session, ctx, _registration(), ip=None)
    session.commit()
    return user, notifier.sent[-1].params["code"]


def test_a_wrong_code_counts_a_try_and_the_right_one_verifies_at_the_clocks_time(session, ctx, notifier, clock):
    user, code = _registered_with_code(session, ctx, notifier)
    wrong = "000000" if code != "000000" else "111111"

    result = otp.verify_otp(session, ctx, user, wrong)
    assert (result.ok, result.reason, result.tries_left) == (False, "wrong", ctx.settings["OTP_MAX_TRIES"] - 1)
    clock.advance(minutes=3)
    assert otp.verify_otp(session, ctx, user, code).ok
    assert user.mobile_verified_at == clock()
    assert otp.current_challenge(session, user.id).attempts == 2

    session.rollback()  # verify_otp commits nothing, not even the counted tries
    session.refresh(user)
    assert user.mobile_verified_at is None and otp.current_challenge(session, user.id).attempts == 0


def test_a_code_past_its_time_is_expired(session, ctx, notifier, clock):
    user, code = _registered_with_code(session, ctx, notifier)
    clock.advance(seconds=ctx.settings["OTP_TTL_SECONDS"])
    assert otp.verify_otp(session, ctx, user, code).reason == "expired"


def test_a_new_code_waits_for_the_cool_down(session, ctx, notifier, clock):
    user, _ = _registered_with_code(session, ctx, notifier)
    assert otp.resend_otp(session, ctx, user).sent is False
    clock.advance(seconds=ctx.settings["OTP_RESEND_COOLDOWN_SECONDS"])
    assert otp.resend_otp(session, ctx, user).sent is True
    assert len(notifier.sent) == 2
