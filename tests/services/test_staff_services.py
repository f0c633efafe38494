"""Staff accounts as use cases: the guards an administrator meets, the audit's before and after, one-time
passwords kept only as hashes, and deactivation ending every session at once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.roles import Role
from app.models import AuditEntry, LoginSession, SmsMessage, User, UserArea
from app.services import auth
from app.services.areas import find_area
from app.services.credentials import check_password
from app.services.staff_scope import HOUSEHOLDS, staff_scope
from app.services.users import (StaffChange, UserInputError, create_user, reset_staff_password, set_active,
                                staff_page, update_staff)
from tests.factories import PASSWORD, make_user


def _entries(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    other = make_user(session, role=Role.ADMIN)
    session.commit()

    set_active(session, ctx, admin, other, False)  # two active admins: one may go
    with pytest.raises(UserInputError) as refused:
        update_staff(session, ctx, other, admin, StaffChange(admin.full_name, Role.HELPDESK, [], None))
    assert refused.value.code == "last_admin"
    session.rollback()
    other = session.get(User, other.id)
    other.disabled = True
    session.commit()
    # The only active admin left cannot be deactivated, even by a second (deactivated) admin's hand.
    with pytest.raises(UserInputError) as refused:
        set_active(session, ctx, other, admin, False)
    assert refused.value.code == "last_admin"
    assert not session.get(User, admin.id).disabled


def test_an_admin_cannot_change_their_own_role_nor_deactivate_themselves(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    make_user(session, role=Role.ADMIN)
    helpdesk = make_user(session, role=Role.HELPDESK)
    session.commit()

    with pytest.raises(UserInputError) as refused:
        update_staff(session, ctx, admin, admin, StaffChange(admin.full_name, Role.SUPERVISOR, [find_area(session, "Lahore")], None))
    assert refused.value.code == "own_role"
    with pytest.raises(UserInputError) as refused:
        set_active(session, ctx, admin, admin, False)
    assert refused.value.code == "own_account"
    # A helpdesk agent cannot reach these services' pages at all; nor can anyone raise a role of their own.
    with pytest.raises(UserInputError) as refused:
        update_staff(session, ctx, helpdesk, helpdesk, StaffChange(helpdesk.full_name, Role.ADMIN, [], None))
    assert refused.value.code == "own_role"


def test_every_change_is_audited_with_before_and_after(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore", mobile="03001234567")
    session.commit()

    update_staff(session, ctx, admin, enumerator, StaffChange("Sana Tariq", Role.SUPERVISOR,
                                                             [find_area(session, "Lahore"), find_area(session, "Kasur")],
                                                             "03111234567"))
    session.commit()
    entry = _entries(session, "user.update")[-1]
    assert entry.actor_id == admin.id
    assert entry.detail["before"]["role"] == "enumerator" and entry.detail["after"]["role"] == "supervisor"
    assert entry.detail["before"]["areas"] == ["DST-LHR"]
    assert entry.detail["after"]["areas"] == ["DST-LHR", "DST-KSR"]
    assert entry.detail["after"]["mobile"] == "0311*****67"  # never the whole number
    assert entry.cnic_masked and enumerator.cnic not in str(entry.detail)

    set_active(session, ctx, admin, enumerator, False)
    session.commit()
    entry = _entries(session, "user.deactivate")[-1]
    assert (entry.detail["before"]["active"], entry.detail["after"]["active"]) == (True, False)


def test_a_supervisor_reads_households_of_each_of_their_areas(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Lahore")
    session.commit()
    lahore, kasur, multan = (find_area(session, n) for n in ("Lahore", "Kasur", "Multan"))
    assert not staff_scope(session, supervisor, HOUSEHOLDS).covers(kasur.id)

    update_staff(session, ctx, admin, supervisor, StaffChange(supervisor.full_name, Role.SUPERVISOR, [lahore, kasur], None))
    session.commit()
    scope = staff_scope(session, supervisor, HOUSEHOLDS)
    kasur_tehsil = next(a for a in kasur.children if a.level == "tehsil")
    assert scope.covers(lahore.id) and scope.covers(kasur.id) and scope.covers(kasur_tehsil.id)
    assert not scope.covers(multan.id)
    assert supervisor.area_id == lahore.id  # the primary area, for what reads it today


def test_only_a_supervisor_may_have_several_areas(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    session.commit()
    with pytest.raises(UserInputError) as refused:
        update_staff(session, ctx, admin, enumerator, StaffChange(enumerator.full_name, Role.ENUMERATOR,
                                                                 [find_area(session, "Lahore"), find_area(session, "Kasur")], None))
    assert refused.value.code == "one_area_only"
    with pytest.raises(UserInputError) as refused:
        update_staff(session, ctx, admin, enumerator, StaffChange(enumerator.full_name, Role.ENUMERATOR, [], None))
    assert refused.value.code == "area_needed"


def test_a_one_time_password_is_kept_only_as_a_hash_and_must_be_changed(session, ctx, notifier):
    admin = make_user(session, role=Role.ADMIN)
    helpdesk = make_user(session, role=Role.HELPDESK, mobile="03001234567")
    session.commit()
    assert auth.authenticate(session, ctx, helpdesk.cnic, PASSWORD, ip="10.0.0.1").user is not None
    auth.start_session(session, ctx, helpdesk, ip="10.0.0.1", user_agent="phone")
    session.commit()

    password = reset_staff_password(session, ctx, admin, helpdesk, by_sms=False)
    session.commit()
    stored = session.get(User, helpdesk.id)
    assert password and password not in stored.password_hash and stored.password_hash.startswith("$argon2")
    assert check_password(stored.password_hash, password) and not check_password(stored.password_hash, PASSWORD)
    assert stored.must_change_password
    assert password not in str([e.detail for e in _entries(session, "user.password_reset")])
    assert session.scalars(select(LoginSession.revoked_at).where(LoginSession.user_id == helpdesk.id)).all() != [None]

    assert reset_staff_password(session, ctx, admin, helpdesk, by_sms=True) is None
    sent = notifier.sent[-1]
    assert sent.to_mobile == "03001234567" and sent.purpose == "staff_password"
    assert check_password(session.get(User, helpdesk.id).password_hash, sent.params["password"])


def test_a_one_time_password_by_sms_needs_a_mobile(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    helpdesk = make_user(session, role=Role.HELPDESK, mobile=None)
    session.commit()
    with pytest.raises(UserInputError) as refused:
        reset_staff_password(session, ctx, admin, helpdesk, by_sms=True)
    assert refused.value.code == "no_mobile"
    assert session.scalar(select(SmsMessage.id)) is None


def test_deactivation_ends_every_session_and_the_account_cannot_sign_in(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    session.commit()
    tokens = [auth.start_session(session, ctx, enumerator, ip="10.0.0.1", user_agent=ua) for ua in ("a", "b")]
    session.commit()
    assert all(auth.user_for_session(session, ctx, enumerator.id, t) is not None for t in tokens)

    assert set_active(session, ctx, admin, enumerator, False) == 2
    session.commit()
    assert all(auth.user_for_session(session, ctx, enumerator.id, t) is None for t in tokens)
    assert auth.authenticate(session, ctx, enumerator.cnic, PASSWORD, ip="10.0.0.2").reason == "disabled"

    set_active(session, ctx, admin, enumerator, True)
    session.commit()
    assert auth.authenticate(session, ctx, enumerator.cnic, PASSWORD, ip="10.0.0.2").user is not None


def test_create_user_makes_staff_with_their_areas_and_audits_what_was_made(session, ctx):
    lahore, kasur = find_area(session, "Lahore"), find_area(session, "Kasur")
    user = create_user(session, ctx, role="supervisor", cnic="35202-7654321-1", name="Imran Qureshi",
                       password="x", areas=[lahore, kasur], check_password_strength=False, must_change_password=True)
    session.commit()
    assert user.area_id == lahore.id and user.must_change_password
    assert set(session.scalars(select(UserArea.area_id).where(UserArea.user_id == user.id))) == {lahore.id, kasur.id}
    entry = _entries(session, "user.create")[-1]
    assert entry.detail["after"]["areas"] == ["DST-LHR", "DST-KSR"] and entry.outcome == "supervisor"
    with pytest.raises(UserInputError) as refused:
        create_user(session, ctx, role="helpdesk", cnic="35202-7654321-1", name="Again", password="x",
                    check_password_strength=False)
    assert refused.value.code == "cnic_taken"


def test_the_staff_list_filters_by_role_and_area_and_finds_a_cnic_prefix(session, ctx):
    admin = make_user(session, role=Role.ADMIN)
    lahore_enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore", cnic="35202-1000001-1")
    make_user(session, role=Role.ENUMERATOR, area="Multan", cnic="36302-1000002-1")
    supervisor = make_user(session, role=Role.SUPERVISOR, area="Multan", cnic="35202-1000003-1")
    make_user(session)  # a citizen is never listed
    session.commit()
    update_staff(session, ctx, admin, supervisor, StaffChange(supervisor.full_name, Role.SUPERVISOR,
                                                              [find_area(session, "Multan"), find_area(session, "Lahore")], None))
    session.commit()
    lahore = find_area(session, "Lahore")

    assert {u.id for u in staff_page(session, area_id=lahore.id).rows} == {lahore_enumerator.id, supervisor.id}
    assert [u.id for u in staff_page(session, role="enumerator", area_id=lahore.id).rows] == [lahore_enumerator.id]
    assert [u.cnic for u in staff_page(session, cnic_prefix="35202-1").rows] == ["35202-1000001-1", "35202-1000003-1"]
    first = staff_page(session, limit=2)
    second = staff_page(session, limit=2, cursor=first.next_cursor)
    assert len(first.rows) == 2 and not {u.id for u in first.rows} & {u.id for u in second.rows}
    assert all(u.role != "citizen" for u in first.rows + second.rows)


def test_create_user_from_the_command_line_makes_the_same_staff_account_as_the_admin_page(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--role", "supervisor", "--cnic", "35202-1234567-1", "--name", "Imran",
                                 "--password", "Kites-Over-Ravi-77", "--area", "Multan"])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.cnic == "35202-1234567-1")).one()
    assert session.scalars(select(UserArea.area_id).where(UserArea.user_id == user.id)).all() == [user.area_id]
    assert not user.must_change_password  # the operator typed the password: no one-time one
    entry = _entries(session, "user.create")[-1]
    assert entry.detail["after"] == {"name": "Imran", "role": "supervisor", "areas": ["DST-MUL"], "mobile": None,
                                     "active": True}
    refused = runner.invoke(args=["create-user", "--role", "supervisor", "--cnic", "35202-7654321-1", "--name", "Ali",
                                  "--password", "Kites-Over-Ravi-77"])
    assert refused.exit_code != 0 and "needs --area" in refused.output


def test_an_unused_one_time_password_stops_signing_in_after_its_lifetime(session, ctx, clock):
    from app.services.users import ONE_TIME_PASSWORD_LIFETIME, choose_new_password

    admin = make_user(session, role=Role.ADMIN)
    helpdesk = make_user(session, role=Role.HELPDESK)
    session.commit()
    password = reset_staff_password(session, ctx, admin, helpdesk, by_sms=False)
    session.commit()
    clock.advance(seconds=ONE_TIME_PASSWORD_LIFETIME.total_seconds() - 60)
    assert auth.authenticate(session, ctx, helpdesk.cnic, password, ip="10.0.0.1").user is not None
    clock.advance(seconds=120)
    assert auth.authenticate(session, ctx, helpdesk.cnic, password, ip="10.0.0.1").reason == "expired_password"
    # A password the staff member chose does not expire.
    choose_new_password(session, ctx, session.get(User, helpdesk.id), "Saffron-Kite-Ravi-2291")
    session.commit()
    clock.advance(days=30)
    assert auth.authenticate(session, ctx, helpdesk.cnic, "Saffron-Kite-Ravi-2291", ip="10.0.0.1").user is not None
