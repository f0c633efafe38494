"""Two enumerators save, at the same instant, two households that share a head's CNIC: each save re-checks the
other household too, yet neither waits for the other's lock (no deadlock, no error) and both end flagged.
Decided by PostgreSQL's row locks (SKIP LOCKED), so it is proven there."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import Role
from app.models import Household, User
from app.models.quality import HouseholdFlag
from app.services import questionnaire
from app.unit_of_work import service_context
from tests.factories import cnic_for, make_household, make_user
from tests.helpers import at_the_same_instant

HOUSING = {"tenure": "owned", "rooms": 3, "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit",
           "water": "hand_pump", "electricity": "grid", "cooking_fuel": "lpg"}
ROUNDS = 10


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("the race is decided by PostgreSQL's row locks; run with TEST_DATABASE_URL")


def _save(engine, ctx, household_id: int, enumerator_id: int):
    def action() -> bool:
        with Session(engine) as session:
            household = session.get(Household, household_id)
            result = questionnaire.save_section(session, ctx, household, "housing", HOUSING,
                                                expected_version=household.version,
                                                actor=session.get(User, enumerator_id))
            session.commit()
            return result.ok
    return action


def test_two_colliding_households_saved_at_once_are_both_flagged_without_a_deadlock(app, db):
    ctx = service_context(app)
    enumerator = make_user(db, role=Role.ENUMERATOR, area="Lahore")
    cnic = cnic_for()
    first = make_household(db, area="Lahore", head_cnic=cnic)
    second = make_household(db, area="Multan", head_cnic=cnic)
    db.commit()
    engine = db.get_bind()
    for _ in range(ROUNDS):
        assert at_the_same_instant([_save(engine, ctx, first.id, enumerator.id),
                                    _save(engine, ctx, second.id, enumerator.id)]) == [True, True]
    db.expire_all()
    for household, other in ((first, second), (second, first)):
        flags = db.scalars(select(HouseholdFlag).where(HouseholdFlag.household_id == household.id)).all()
        assert [(f.code, f.other_household_id) for f in flags] == [("head_surveyed_elsewhere", other.id)]
        assert db.get(Household, household.id).flag_count == 1
