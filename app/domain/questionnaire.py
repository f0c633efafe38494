"""The household questionnaire's rules: a member's age, which questions apply at which age (the skip rules
of the question catalogue) and the cross-checks over a household's members, as plain Python."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .catalogue import CATALOGUE, MARITAL_MIN_AGE, MAX_AGE, SCHOOL_AGES, SECTIONS  # noqa: F401 (re-exported)

RELATIONS = CATALOGUE.choice_list("relation").keys
SEXES = CATALOGUE.choice_list("sex").keys

ADULT_AGE = 18
# Relations that name the member's sex (a son is male); the others (head, spouse, grandchild, ...) do not.
RELATION_SEX = {"son": "male", "daughter": "female", "father": "male", "mother": "female", "brother": "male",
                "sister": "female", "son_in_law": "male", "daughter_in_law": "female"}


def age_on(dob: date | None, age_years: int | None, today: date) -> int | None:
    """The age in whole years from a date of birth, or the stated age when the date is unknown."""
    if dob is not None:
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return age_years


def relation_fits_sex(relation: str, sex: str | None) -> bool:
    """False for a male "daughter" or a female "son"; a spouse's sex is checked against the head's elsewhere.
    A transgender member may be recorded under any relation."""
    expected = RELATION_SEX.get(relation)
    return expected is None or sex in (None, expected, "transgender")


def asks_marital_status(age: int | None) -> bool:
    return CATALOGUE["marital_status"].relevant.applies(age)


def asks_enrolment(age: int | None) -> bool:
    return CATALOGUE["enrolled"].relevant.applies(age)


@dataclass(frozen=True)
class MemberFacts:
    """What the cross-checks need to know of one member."""

    key: int  # the member's id or position, to point a problem at its row
    relation: str
    sex: str | None
    age: int | None
    cnic: str | None
    dob: date | None = None
    marital_status: str | None = None  # read by the cross-checks (domain.cross_checks)
    income: int | None = None  # the member's own monthly income


@dataclass(frozen=True)
class Problem:
    """An open problem of the questionnaire: `code` is stable; `severity` is error (blocks submit) or warning."""

    section: str
    code: str
    severity: str = "error"
    member: int | None = None


def member_problems(members: list[MemberFacts], today: date) -> list[Problem]:
    problems: list[Problem] = []
    heads = [m for m in members if m.relation == "head"]
    if not members:
        problems.append(Problem("members", "no_members"))
    elif len(heads) == 0:
        problems.append(Problem("members", "no_head"))
    elif len(heads) > 1:
        problems.extend(Problem("members", "two_heads", member=m.key) for m in heads[1:])
    for head in heads[:1]:
        if head.age is not None and head.age < ADULT_AGE:
            problems.append(Problem("members", "head_minor", "warning", head.key))
    seen: dict[str, int] = {}
    for m in members:
        if m.cnic:
            if m.cnic in seen:
                problems.append(Problem("members", "cnic_twice", member=m.key))
            seen.setdefault(m.cnic, m.key)
        if m.dob is not None and m.dob > today:
            problems.append(Problem("members", "dob_future", member=m.key))
        if m.age is None:
            problems.append(Problem("members", "age_missing", member=m.key))
        if not relation_fits_sex(m.relation, m.sex):
            problems.append(Problem("members", "relation_sex", member=m.key))
    # A child younger than the head or the spouse (its parents, in the head's relations) is expected.
    parents = [m for m in members if m.relation in ("head", "spouse") and m.age is not None]
    for child in (m for m in members if m.relation in ("son", "daughter") and m.age is not None):
        for parent in parents:
            if parent.age - child.age < 12:
                problems.append(Problem("members", "child_not_younger", "warning", child.key))
                break
    return problems


def is_blocking(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
