"""Keeps the household's facts (domain.household_facts) on its row: one household at a time from the ORM
(at submit), or every household at once in one set-based UPDATE (a yearly refresh, a bulk load, a new rule
that needs ages counted on a later day). Both count the same way; tests/services/test_household_facts.py
holds them to it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, extract, func, literal, or_, select, update
from sqlalchemy.orm import Session

from ..domain.household_facts import CHILD_UNDER, ELDERLY_FROM, UNDER_FIVE, MemberFact, count_facts
from ..domain.catalogue import SCHOOL_AGES
from ..models import Household, HouseholdMember


def member_fact(member) -> MemberFact:
    """A member row (ORM object or a mapping of its columns) as the counts see it."""
    get = member.get if isinstance(member, dict) else (lambda name: getattr(member, name, None))
    return MemberFact(relation=get("relation"), sex=get("sex"), dob=get("dob"), age_years=get("age_years"),
                      marital_status=get("marital_status"), disability=get("disability"), enrolled=get("enrolled"),
                      education=get("education"))


def facts_columns(members, today: date) -> dict:
    """The household's facts_* column values for these members, counted on `today`."""
    return {**count_facts([member_fact(m) for m in members], today).as_columns(), "facts_on": today}


def refresh(session: Session, household: Household, today: date) -> None:
    for name, value in facts_columns(household.members, today).items():
        setattr(household, name, value)


def _age(today: date):
    m = HouseholdMember
    born_later_in_year = or_(extract("month", m.dob) > today.month,
                             and_(extract("month", m.dob) == today.month, extract("day", m.dob) > today.day))
    from_dob = literal(today.year) - extract("year", m.dob) - case((born_later_in_year, 1), else_=0)
    return case((m.dob.is_not(None), from_dob), else_=m.age_years)


def refresh_all(session: Session, today: date, *, household_ids=None, district_id: int | None = None) -> int:
    """Count every household's facts again in one statement (optionally only some households, or one
    district's); households without members are left as they were. Returns the rows updated."""
    m = HouseholdMember
    age = _age(today)

    def count_when(condition):
        return func.sum(case((condition, 1), else_=0))

    head = m.relation == "head"
    counts = (
        select(
            m.household_id.label("household_id"),
            func.count().label("member_count"),
            count_when(age < UNDER_FIVE).label("under5_count"),
            count_when(age < CHILD_UNDER).label("child_count"),
            count_when(age >= ELDERLY_FROM).label("elderly_count"),
            count_when(and_(age >= CHILD_UNDER, age < ELDERLY_FROM)).label("working_age_count"),
            count_when(and_(m.disability.is_not(None), m.disability.not_in(("", "none")))).label("disabled_count"),
            count_when(and_(age >= SCHOOL_AGES.start, age < SCHOOL_AGES.stop)).label("school_age_count"),
            count_when(and_(age >= SCHOOL_AGES.start, age < SCHOOL_AGES.stop, m.enrolled.is_(True))).label("enrolled_count"),
            # Submit refuses a household with two heads, so one head's values are the household's.
            func.max(case((head, m.sex))).label("head_sex"),
            func.max(case((head, age))).label("head_age"),
            func.max(case((head, m.marital_status))).label("head_marital_status"),
            func.max(case((head, m.education))).label("head_education"),
        )
        .group_by(m.household_id)
    )
    if household_ids is not None:
        counts = counts.where(m.household_id.in_(household_ids))
    if district_id is not None:
        counts = counts.where(m.household_id.in_(select(Household.id).where(Household.district_id == district_id)))
    counts = counts.subquery()
    names = ("member_count", "under5_count", "child_count", "elderly_count", "working_age_count", "disabled_count",
             "school_age_count", "enrolled_count", "head_sex", "head_age", "head_marital_status", "head_education")
    statement = (update(Household).where(Household.id == counts.c.household_id)
                 # updated_at as it was: counting is not a change of the household (and leaves the list
                 # indexes alone, so PostgreSQL can update in place)
                 .values(facts_on=today, updated_at=Household.updated_at,
                         **{f"facts_{name}": counts.c[name] for name in names})
                 .execution_options(synchronize_session=False))
    return session.execute(statement).rowcount
