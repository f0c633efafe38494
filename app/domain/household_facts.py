"""The facts about a household that programme rules, scores and disaster ranking ask of millions of
households at once: counted once from the member roster and kept on the household row (see
services.household_facts), so that a rule compiled to SQL reads one row per household instead of its members.

Ages are whole years on the day the facts were counted (`facts_on`); a yearly refresh (or any change to the
household) counts them again."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from .catalogue import SCHOOL_AGES
from .questionnaire import age_on

UNDER_FIVE = 5  # a child under five: the first to feed in a flood
CHILD_UNDER = 15  # children for the dependency ratio: under 15 (the World Bank's and PBS's convention)
# Elderly from 60: Pakistan's senior citizens acts (Punjab Senior Citizens Welfare Act 2014: "sixty years
# or above"), so the elderly count of a programme rule and of a disaster ranking agree with the law.
ELDERLY_FROM = 60


@dataclass(frozen=True)
class MemberFact:
    """What the counts need of one member (a view over a household_members row)."""

    relation: str | None
    sex: str | None
    dob: date | None
    age_years: int | None
    marital_status: str | None = None
    disability: str | None = None
    enrolled: bool | None = None
    education: str | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    member_count: int = 0
    under5_count: int = 0
    child_count: int = 0  # under CHILD_UNDER
    elderly_count: int = 0  # ELDERLY_FROM and over
    working_age_count: int = 0  # between the two: the dependency ratio's denominator
    disabled_count: int = 0  # any disability but "none"
    school_age_count: int = 0  # of the ages the questionnaire asks about school (SCHOOL_AGES)
    enrolled_count: int = 0  # of those, going to school or college now
    head_sex: str | None = None
    head_age: int | None = None
    head_marital_status: str | None = None
    head_education: str | None = None

    @property
    def dependency_ratio(self) -> float | None:
        """Dependants (children and the elderly) per working-age member; None when nobody is of working age."""
        if not self.working_age_count:
            return None
        return (self.child_count + self.elderly_count) / self.working_age_count

    def as_columns(self) -> dict:
        return {f"facts_{f.name}": getattr(self, f.name) for f in fields(self)}


FACT_COLUMNS = tuple(f"facts_{f.name}" for f in fields(HouseholdFacts))


def count_facts(members: list[MemberFact], today: date) -> HouseholdFacts:
    counts = dict.fromkeys(("member_count", "under5_count", "child_count", "elderly_count", "working_age_count",
                            "disabled_count", "school_age_count", "enrolled_count"), 0)
    head = None
    for member in members:
        age = age_on(member.dob, member.age_years, today)
        counts["member_count"] += 1
        if member.relation == "head" and head is None:
            head = (member, age)
        if member.disability not in (None, "", "none"):
            counts["disabled_count"] += 1
        if age is None:
            continue
        if age < UNDER_FIVE:
            counts["under5_count"] += 1
        if age < CHILD_UNDER:
            counts["child_count"] += 1
        elif age >= ELDERLY_FROM:
            counts["elderly_count"] += 1
        else:
            counts["working_age_count"] += 1
        if age in SCHOOL_AGES:
            counts["school_age_count"] += 1
            if member.enrolled:
                counts["enrolled_count"] += 1
    if head is not None:
        member, age = head
        return HouseholdFacts(**counts, head_sex=member.sex, head_age=age, head_marital_status=member.marital_status,
                              head_education=member.education)
    return HouseholdFacts(**counts)
