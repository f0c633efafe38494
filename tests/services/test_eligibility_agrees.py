"""One rule, two evaluations: domain.eligibility for one household in Python, services.programmes compiled
to SQL for all of them. On random households and random rules both must pick the same households, on
SQLite and on PostgreSQL (the suite runs on whichever TEST_DATABASE_URL names)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.catalogue import CATALOGUE
from app.domain.eligibility import FACTS, OPS_FOR, Kind, holds, validate
from app.models import Area, Household, Programme, ProgrammeEnrolment
from app.services.programmes import compile_rule, household_facts, rule_context

DISTRICTS = ("DST-LHR", "DST-MUL", "DST-RWP")
PROGRAMMES = ("alpha", "beta", "gamma")
SCORES = (0.0, 10.5, 16.17, 16.16, 32.0, 32.01, 50.0, 99.99, 100.0)
BANDS = ("poorest", "poor", "vulnerable")
STATUSES = ("verified", "submitted", "rejected")


def values_for(name: str):
    fact = FACTS[name]
    if fact.kind == Kind.NUMBER:
        return st.sampled_from(SCORES) | st.integers(0, 100)
    if fact.kind == Kind.COUNT:
        return st.integers(0, 6) if name != "head_age" else st.sampled_from((17, 18, 35, 59, 60, 61))
    if fact.kind == Kind.TEXT:
        return st.sampled_from(BANDS)
    if fact.kind == Kind.DISTRICT:
        return st.sampled_from(DISTRICTS)
    if fact.kind == Kind.PROGRAMME:
        return st.sampled_from(PROGRAMMES)
    if name == "status":
        return st.sampled_from(STATUSES)
    return st.sampled_from(fact.choices)


@st.composite
def conditions(draw):
    name = draw(st.sampled_from(sorted(FACTS)))
    op = draw(st.sampled_from(OPS_FOR[FACTS[name].kind]))
    values = values_for(name)
    value = draw(st.lists(values, min_size=1, max_size=3)) if op in ("in", "not in") else draw(values)
    return {"fact": name, "op": op, "value": value}


rules = st.recursive(
    conditions(),
    lambda parts: st.one_of(st.builds(lambda p: {"all": p}, st.lists(parts, min_size=1, max_size=3)),
                            st.builds(lambda p: {"any": p}, st.lists(parts, min_size=1, max_size=3)),
                            st.builds(lambda p: {"not": p}, parts)),
    max_leaves=6)


def maybe(strategy):
    return st.none() | strategy


households = st.fixed_dictionaries({
    "score": maybe(st.sampled_from(SCORES)),
    "score_band": maybe(st.sampled_from(BANDS)),
    "district": maybe(st.sampled_from(DISTRICTS)),
    "status": st.sampled_from(STATUSES),
    "facts_head_sex": maybe(st.sampled_from(CATALOGUE.choice_list("sex").keys)),
    "facts_head_age": maybe(st.sampled_from((17, 18, 35, 59, 60, 61))),
    "facts_head_marital_status": maybe(st.sampled_from(CATALOGUE.choice_list("marital_status").keys)),
    "facts_head_education": maybe(st.sampled_from(CATALOGUE.choice_list("education").keys)),
    **{f"facts_{n}": maybe(st.integers(0, 6)) for n in ("member_count", "under5_count", "child_count",
                                                        "elderly_count", "disabled_count", "school_age_count",
                                                        "enrolled_count")},
    "enrolled_in": st.sets(st.sampled_from(PROGRAMMES), max_size=2),
})


@pytest.fixture
def world(db):
    """Three programmes and a tehsil in each of three districts, committed once for all examples."""
    for code in PROGRAMMES:
        db.add(Programme(code=code, name_en=code, name_ur=code, export_columns=[]))
    db.commit()
    tehsils = {}
    for code in DISTRICTS:
        district = db.scalar(select(Area).where(Area.code == code))
        tehsils[code] = db.scalar(select(Area.id).where(Area.parent_id == district.id).limit(1))
    return tehsils


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rule=rules, drawn=st.lists(households, min_size=1, max_size=6))
def test_python_and_sql_pick_the_same_households(db, world, rule, drawn):
    context = rule_context(db)
    assert validate(rule, context.vocabulary, require_verified=False) == []
    programme_ids = context.programme_ids
    try:
        made = []
        for values in drawn:
            values = dict(values)
            district, enrolled = values.pop("district"), values.pop("enrolled_in")
            household = Household(head_cnic="35202-1234567-1", area_id=world[district] if district else None,
                                  **values)
            db.add(household)
            db.flush()
            for code in enrolled:
                db.add(ProgrammeEnrolment(household_id=household.id, programme_id=programme_ids[code],
                                          since=date(2026, 1, 1)))
            made.append(household)
        db.flush()
        ids = [h.id for h in made]
        by_sql = set(db.scalars(select(Household.id).where(Household.id.in_(ids), compile_rule(rule, context))))
        by_python = {h.id for h in made if holds(rule, household_facts(db, h, context))}
        assert by_sql == by_python, (rule, drawn)
    finally:
        db.rollback()
