"""The facts a programme rule or a flood ranking reads are counted the same way for one household at
submit and for millions at once."""
from __future__ import annotations

import random
from datetime import date, timedelta

from app.domain.household_facts import MemberFact, count_facts
from app.models import Household
from app.services import household_facts
from tests.factories import make_household, make_member

TODAY = date(2026, 11, 24)


def test_a_widow_with_a_toddler_a_schoolgirl_and_her_disabled_father_in_law():
    members = [
        MemberFact("head", "female", date(1984, 3, 1), None, marital_status="widowed", education="primary"),
        MemberFact("son", "male", None, 3),
        MemberFact("daughter", "female", date(2016, 11, 25), None, enrolled=True),  # nine until tomorrow
        MemberFact("father", "male", None, 71, disability="lower_limb"),
    ]
    facts = count_facts(members, TODAY)
    assert (facts.member_count, facts.under5_count, facts.child_count, facts.elderly_count) == (4, 1, 2, 1)
    assert (facts.working_age_count, facts.disabled_count, facts.school_age_count, facts.enrolled_count) == (1, 1, 1, 1)
    assert (facts.head_sex, facts.head_age, facts.head_marital_status, facts.head_education) == (
        "female", 42, "widowed", "primary")
    assert facts.dependency_ratio == 3.0


def test_nobody_of_working_age_has_no_dependency_ratio():
    assert count_facts([MemberFact("head", "male", None, 80)], TODAY).dependency_ratio is None


def test_one_household_and_the_set_based_refresh_count_alike(db):
    rng = random.Random(7)
    households = []
    for _ in range(25):
        household = make_household(db, members=[])
        for position in range(rng.randint(1, 7)):
            born = TODAY - timedelta(days=rng.randint(0, 90 * 365)) if rng.random() < 0.7 else None
            make_member(db, household, relation="head" if position == 0 else rng.choice(["son", "daughter", "mother"]),
                        sex=rng.choice(["male", "female"]), dob=born, age_years=None if born else rng.randint(0, 90),
                        disability=rng.choice([None, "none", "visual"]), enrolled=rng.choice([None, True, False]),
                        marital_status=rng.choice([None, "married", "widowed"]), education=rng.choice([None, "none"]))
        households.append(household)
    db.commit()
    one_by_one = {}
    for household in households:
        db.refresh(household)
        one_by_one[household.id] = household_facts.facts_columns(household.members, TODAY)
    assert household_facts.refresh_all(db, TODAY) == len(households)
    db.commit()
    db.expire_all()
    for household in households:
        row = db.get(Household, household.id)
        assert {name: getattr(row, name) for name in one_by_one[household.id]} == one_by_one[household.id]
