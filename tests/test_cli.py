"""Operator commands: seed is safe twice; create-user takes an area by code or English name."""
from __future__ import annotations

from sqlalchemy import func, select

from app.models import Area, Household, User


def test_seed_loads_every_area_of_punjab_and_is_safe_to_run_twice(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "0 added, 0 updated" in second.output
    counts = dict(db.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    assert counts == {"province": 1, "division": 10, "district": 41, "tehsil": 156}


def test_new_districts_sit_in_their_divisions_with_urdu_names(db):
    def district(name):
        return db.scalars(select(Area).where(Area.level == "district", Area.name_en == name)).one()

    assert district("Murree").parent.name_en == "Rawalpindi"
    assert district("Talagang").parent.name_en == "Rawalpindi"
    assert district("Wazirabad").parent.name_en == "Gujrat"
    assert district("Kot Addu").parent.name_en == "Dera Ghazi Khan"
    assert district("Taunsa").parent.name_en == "Dera Ghazi Khan"
    assert district("Lahore").name_ur == "لاہور"
    assert all(area.name_ur for area in db.scalars(select(Area)))


def test_create_user_with_area_by_english_name_or_code(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--role", "enumerator", "--cnic", "35202-1234567-1",
                                 "--name", "Sana", "--password", "Kites-Over-Ravi-77", "--area", "Lahore"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "--role", "supervisor", "--cnic", "3520212345673",
                                 "--name", "Imran", "--password", "Kites-Over-Ravi-77", "--area", "DST-MUL"])
    assert result.exit_code == 0, result.output
    users = {u.role: u for u in db.scalars(select(User))}
    assert users["enumerator"].area.code == "DST-LHR" and users["enumerator"].area.level == "district"
    assert users["supervisor"].area.name_en == "Multan"


def test_create_user_refuses_bad_input_with_a_clear_message(app):
    runner = app.test_cli_runner()
    base = ["create-user", "--name", "X", "--password", "Kites-Over-Ravi-77"]
    bad_cnic = runner.invoke(args=[*base, "--role", "admin", "--cnic", "12"])
    assert bad_cnic.exit_code != 0 and "CNIC" in bad_cnic.output
    no_area = runner.invoke(args=[*base, "--role", "enumerator", "--cnic", "35202-1234567-1"])
    assert no_area.exit_code != 0 and "--area" in no_area.output
    unknown_area = runner.invoke(args=[*base, "--role", "enumerator", "--cnic", "35202-1234567-1", "--area", "Atlantis"])
    assert unknown_area.exit_code != 0 and "Atlantis" in unknown_area.output
    weak = runner.invoke(args=["create-user", "--role", "admin", "--cnic", "35202-1234567-1", "--name", "X", "--password", "password"])
    assert weak.exit_code != 0 and "password" in weak.output
    for name in ("Ali\u202eKhan", "Ali\nKhan", "\u200b\u200b"):
        unreadable = runner.invoke(args=[*base[:1], "--role", "admin", "--cnic", "35202-1234567-1", "--name", name,
                                         "--password", "Kites-Over-Ravi-77"])
        assert unreadable.exit_code != 0 and "--name" in unreadable.output, name


def test_seed_demo_creates_accounts_of_every_role_and_households_in_every_state(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "14"])
    assert result.exit_code == 0, result.output
    roles = set(db.scalars(select(User.role)))
    assert roles == {"citizen", "enumerator", "supervisor", "helpdesk", "admin"}
    states = set(db.scalars(select(Household.status)))
    assert states == {"registered", "scheduled", "draft", "submitted", "returned", "verified", "rejected"}
    again = app.test_cli_runner().invoke(args=["seed-demo", "--households", "0"])
    assert again.exit_code == 0


def test_clean_up_removes_old_replay_keys_and_keeps_recent_ones(app, db):
    from datetime import timedelta

    from app.models import IdempotentRequest
    from app.models.base import utcnow

    db.add_all([
        IdempotentRequest(key="old-key-0123456789", path="/x", status=204, created_at=utcnow() - timedelta(days=8)),
        IdempotentRequest(key="new-key-0123456789", path="/x", status=204, created_at=utcnow()),
    ])
    db.commit()
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0 and "replay keys: 1 removed" in result.output
    db.expire_all()
    assert db.scalars(select(IdempotentRequest.key)).all() == ["new-key-0123456789"]
