"""The questionnaire as use cases without HTTP: a stale save is told, not written; a fresh one bumps the
version; a submit freezes a revision. The caller's rollback undoes each of them."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.domain.roles import Role
from app.models import AuditEntry, HouseholdRevision, HouseholdStatusChange
from app.services import questionnaire
from tests.factories import make_household, make_user
from tests.services.conftest import count_rows

HOUSING = {"tenure": "owned", "rooms": 3, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit",
           "water": "hand_pump", "electricity": "grid", "cooking_fuel": "lpg"}


def test_saving_a_section_bumps_the_version_and_stamps_the_clocks_time(session, ctx, clock):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session, status=HouseholdStatus.SCHEDULED)
    session.commit()

    result = questionnaire.save_section(session, ctx, household, "housing", HOUSING, expected_version=1,
                                        actor=enumerator)
    assert result.ok and household.version == 2 and household.rooms == 3
    assert household.sections_saved["housing"] == clock().isoformat()
    assert household.status == HouseholdStatus.DRAFT and household.enumerator_id == enumerator.id
    session.rollback()
    session.refresh(household)
    assert (household.version, household.rooms, household.status) == (1, None, HouseholdStatus.SCHEDULED)
    assert count_rows(session, HouseholdStatusChange) == count_rows(session, AuditEntry) == 0


def test_a_save_made_from_a_stale_version_is_told_what_differs_and_writes_nothing(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session, rooms=5, version=3)
    session.commit()

    result = questionnaire.save_section(session, ctx, household, "housing", HOUSING, expected_version=2,
                                        actor=enumerator)
    assert (result.ok, result.reason) == (False, "conflict")
    assert result.changed["rooms"] == (5, 3)
    assert not session.new and not session.dirty  # nothing for the caller to commit
    assert household.version == 3 and count_rows(session, AuditEntry) == 0


def test_editing_a_member_of_another_household_is_refused_without_touching_the_version(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session)
    other = make_household(session)
    session.commit()
    stranger = other.members[0]

    result = questionnaire.save_member(session, ctx, household, stranger.id, {"name": "X"}, expected_version=1,
                                       actor=enumerator)
    assert (result.ok, result.reason) == (False, "missing")
    assert household.version == 1 and stranger.name == "Head"


def test_submitting_freezes_a_revision_and_moves_the_household(session, ctx):
    enumerator = make_user(session, role=Role.ENUMERATOR, area="Lahore")
    household = make_household(session, consent_given=True,
                               sections_saved={s: "2026-03-01" for s in ("consent", "members", "housing", "assets",
                                                                           "income")},
                               members=[{"name": "Akram", "relation": "head", "sex": "male",
                                         "cnic": "35202-7777777-1", "marital_status": "married"},
                                        {"name": "Sara", "relation": "daughter", "sex": "female"}])
    session.commit()

    result = questionnaire.submit(session, ctx, household, expected_version=1, actor=enumerator)
    assert result.ok and household.status == HouseholdStatus.SUBMITTED
    [revision] = session.scalars(select(HouseholdRevision)).all()
    assert [m["name"] for m in revision.snapshot["members"]] == ["Akram", "Sara"]
    session.rollback()
    session.refresh(household)
    assert household.status == HouseholdStatus.DRAFT and count_rows(session, HouseholdRevision) == 0
