"""The household questionnaire's rules: the age of a member, which questions are asked at which age, and the
cross-checks over the members of one household (exactly one head, an adult head or a warning, a CNIC at most
once, no date of birth in the future, a child younger than its parents)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.questionnaire import (
    ADULT_AGE,
    MARITAL_MIN_AGE,
    RELATIONS,
    MemberFacts,
    Problem,
    age_on,
    asks_enrolment,
    asks_marital_status,
    is_blocking,
    member_problems,
    relation_fits_sex,
)

TODAY = date(2024, 6, 15)


def member(key: int, relation: str, age: int | None, cnic: str | None = None, *, sex: str | None = "male",
           dob: date | None = None) -> MemberFacts:
    return MemberFacts(key=key, relation=relation, sex=sex, age=age, cnic=cnic, dob=dob)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


# --- age_on: the age in whole years ---------------------------------------------------------------------


def test_age_on_the_birthday_itself_counts_the_new_year():
    assert age_on(date(1990, 6, 15), None, TODAY) == 34


def test_age_the_day_before_the_birthday_is_still_the_old_year():
    assert age_on(date(1990, 6, 16), None, TODAY) == 33


def test_age_the_day_after_the_birthday_is_the_new_year():
    assert age_on(date(1990, 6, 14), None, TODAY) == 34


def test_age_earlier_in_the_year_than_the_birthday_month_is_the_old_year():
    assert age_on(date(1990, 12, 1), None, TODAY) == 33
    assert age_on(date(1990, 1, 31), None, TODAY) == 34


def test_a_baby_born_today_is_zero():
    assert age_on(TODAY, None, TODAY) == 0


def test_a_baby_a_day_short_of_its_first_birthday_is_zero():
    assert age_on(date(2023, 6, 16), None, TODAY) == 0
    assert age_on(date(2023, 6, 15), None, TODAY) == 1


def test_a_leap_day_birth_is_a_year_older_on_the_next_leap_day():
    assert age_on(date(2000, 2, 29), None, date(2004, 2, 29)) == 4


def test_a_leap_day_birth_has_not_had_its_birthday_on_28_february_of_a_common_year():
    assert age_on(date(2000, 2, 29), None, date(2003, 2, 28)) == 2


def test_a_leap_day_birth_has_had_its_birthday_by_1_march_of_a_common_year():
    assert age_on(date(2000, 2, 29), None, date(2003, 3, 1)) == 3


def test_without_a_date_of_birth_the_stated_age_is_used():
    assert age_on(None, 42, TODAY) == 42
    assert age_on(None, 0, TODAY) == 0


def test_without_a_date_of_birth_or_a_stated_age_the_age_is_unknown():
    assert age_on(None, None, TODAY) is None


def test_a_known_date_of_birth_wins_over_the_stated_age():
    assert age_on(date(1990, 6, 15), 99, TODAY) == 34


def _anniversary(dob: date, years: int) -> date:
    """The `years`-th birthday; a 29 February birth has its birthday on 1 March in a common year."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


@given(dob=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       days=st.integers(min_value=0, max_value=130 * 366))
def test_age_on_counts_the_birthdays_that_have_passed(dob, days):
    today = dob + timedelta(days=days)
    expected = 0
    while _anniversary(dob, expected + 1) <= today:
        expected += 1
    assert age_on(dob, None, today) == expected


# --- skip logic -------------------------------------------------------------------------------------------


def test_marital_status_is_asked_from_age_10():
    assert MARITAL_MIN_AGE == 10
    assert asks_marital_status(10)
    assert asks_marital_status(11)
    assert asks_marital_status(80)


def test_marital_status_is_not_asked_of_a_child_under_10():
    assert not asks_marital_status(9)
    assert not asks_marital_status(0)


def test_marital_status_is_asked_when_the_age_is_unknown():
    assert asks_marital_status(None)


@pytest.mark.parametrize("age", range(4, 17))
def test_enrolment_is_asked_for_school_ages_4_to_16(age):
    assert asks_enrolment(age)


@pytest.mark.parametrize("age", [0, 1, 3, 17, 18, 40, 120])
def test_enrolment_is_not_asked_outside_school_age(age):
    assert not asks_enrolment(age)


def test_enrolment_is_not_asked_when_the_age_is_unknown():
    assert not asks_enrolment(None)


# --- member_problems: the cross-checks over the household's members ---------------------------------------


def family_of_five() -> list[MemberFacts]:
    return [
        member(1, "head", 45, "35202-1234567-1", dob=date(1979, 3, 2)),
        member(2, "spouse", 40, "35202-1234568-2", sex="female"),
        member(3, "son", 18, "35202-1234569-3"),
        member(4, "daughter", 15, "35202-1234570-4", sex="female"),
        member(5, "son", 8, None),
    ]


def test_a_normal_family_of_five_has_no_problems():
    assert member_problems(family_of_five(), TODAY) == []


def test_a_household_without_members_is_flagged_no_members():
    problems = member_problems([], TODAY)
    assert problems == [Problem("members", "no_members", "error")]
    assert is_blocking(problems)


def test_a_household_without_a_head_is_flagged_no_head():
    members = [member(1, "spouse", 40, sex="female"), member(2, "son", 10)]
    problems = member_problems(members, TODAY)
    assert codes(problems) == ["no_head"]
    assert problems[0].severity == "error"
    assert problems[0].section == "members"
    assert is_blocking(problems)


def test_a_household_with_two_heads_is_flagged_at_the_second_head():
    members = [member(1, "head", 50), member(2, "spouse", 45, sex="female"), member(3, "head", 48)]
    problems = only(member_problems(members, TODAY), "two_heads")
    assert problems == [Problem("members", "two_heads", "error", 3)]
    assert is_blocking(problems)


def test_a_household_with_three_heads_flags_every_head_after_the_first():
    members = [member(1, "head", 50), member(2, "head", 45), member(3, "head", 48)]
    problems = member_problems(members, TODAY)
    assert [(p.code, p.member) for p in problems] == [("two_heads", 2), ("two_heads", 3)]
    assert "no_head" not in codes(problems)


def test_a_head_under_18_is_a_warning_not_a_block():
    members = [member(7, "head", ADULT_AGE - 1), member(8, "brother", 12)]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "head_minor", "warning", 7)]
    assert not is_blocking(problems)


def test_a_head_of_exactly_18_is_an_adult():
    assert member_problems([member(1, "head", ADULT_AGE)], TODAY) == []


def test_a_head_of_unknown_age_is_not_called_a_minor_but_the_age_is_missing():
    problems = member_problems([member(1, "head", None)], TODAY)
    assert "head_minor" not in codes(problems)
    assert codes(problems) == ["age_missing"]


def test_the_same_cnic_on_two_members_is_flagged_at_the_second():
    members = [
        member(1, "head", 45, "35202-1234567-1"),
        member(2, "spouse", 40, "35202-1111111-2", sex="female"),
        member(3, "brother", 38, "35202-1234567-1"),
    ]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "cnic_twice", "error", 3)]
    assert is_blocking(problems)


def test_the_same_cnic_three_times_flags_the_second_and_the_third():
    members = [member(1, "head", 45, "35202-1234567-1"), member(2, "brother", 40, "35202-1234567-1"),
               member(3, "brother", 38, "35202-1234567-1")]
    problems = only(member_problems(members, TODAY), "cnic_twice")
    assert [p.member for p in problems] == [2, 3]


def test_members_without_a_cnic_are_not_duplicates_of_each_other():
    members = [member(1, "head", 45, "35202-1234567-1"), member(2, "son", 5, None), member(3, "son", 3, None),
               member(4, "daughter", 2, "", sex="female"), member(5, "daughter", 1, "", sex="female")]
    assert "cnic_twice" not in codes(member_problems(members, TODAY))


def test_a_date_of_birth_in_the_future_is_flagged():
    members = [member(1, "head", 45), member(2, "son", 0, dob=TODAY + timedelta(days=1))]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "dob_future", "error", 2)]
    assert is_blocking(problems)


def test_a_date_of_birth_of_today_is_not_in_the_future():
    members = [member(1, "head", 30), member(2, "daughter", 0, dob=TODAY, sex="female")]
    assert member_problems(members, TODAY) == []


def test_a_member_without_an_age_is_flagged_age_missing():
    members = [member(1, "head", 45), member(2, "mother", None, sex="female")]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "age_missing", "error", 2)]
    assert is_blocking(problems)


def test_a_son_less_than_12_years_younger_than_the_head_is_a_warning():
    members = [member(1, "head", 30), member(2, "son", 19)]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "child_not_younger", "warning", 2)]
    assert not is_blocking(problems)


def test_a_daughter_less_than_12_years_younger_than_the_spouse_is_a_warning():
    members = [member(1, "head", 50), member(2, "spouse", 28, sex="female"),
               member(3, "daughter", 20, sex="female")]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "child_not_younger", "warning", 3)]
    assert not is_blocking(problems)


def test_a_child_older_than_a_parent_is_flagged_once():
    members = [member(1, "head", 30), member(2, "spouse", 29, sex="female"), member(3, "son", 35)]
    problems = member_problems(members, TODAY)
    assert problems == [Problem("members", "child_not_younger", "warning", 3)]


def test_a_child_exactly_12_years_younger_than_both_parents_is_fine():
    members = [member(1, "head", 32), member(2, "spouse", 32, sex="female"), member(3, "son", 20)]
    assert member_problems(members, TODAY) == []


def test_other_relatives_are_not_held_to_the_child_rule():
    members = [member(1, "head", 30), member(2, "brother", 29), member(3, "sister", 35, sex="female"),
               member(4, "grandchild", 25)]
    assert member_problems(members, TODAY) == []


def test_a_child_of_unknown_age_is_flagged_only_as_age_missing():
    members = [member(1, "head", 30), member(2, "son", None)]
    assert codes(member_problems(members, TODAY)) == ["age_missing"]


def test_problems_of_different_kinds_are_all_reported():
    members = [
        member(1, "head", 16, "35202-1234567-1"),
        member(2, "head", 40, "35202-1234567-1"),
        member(3, "son", None, dob=TODAY + timedelta(days=30)),
    ]
    problems = member_problems(members, TODAY)
    assert set(codes(problems)) == {"two_heads", "head_minor", "cnic_twice", "dob_future", "age_missing"}
    assert all(p.section == "members" for p in problems)


# --- is_blocking ------------------------------------------------------------------------------------------


def test_no_problems_do_not_block():
    assert not is_blocking([])


def test_an_error_blocks_submission():
    assert is_blocking([Problem("members", "no_head")])


def test_warnings_alone_do_not_block_submission():
    warnings = [Problem("members", "head_minor", "warning", 1), Problem("members", "child_not_younger", "warning", 2)]
    assert not is_blocking(warnings)


def test_one_error_among_warnings_blocks_submission():
    problems = [Problem("members", "head_minor", "warning", 1), Problem("members", "cnic_twice", "error", 3)]
    assert is_blocking(problems)


# --- property: a well-formed household never has an error ------------------------------------------------

NON_HEAD_RELATIONS = [r for r in RELATIONS if r != "head"]
cnics = st.from_regex(r"[1-7][0-9]{4}-[0-9]{7}-[0-9]", fullmatch=True)
past_dobs = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=TODAY))


@st.composite
def well_formed_households(draw):
    others = draw(st.lists(st.tuples(st.sampled_from(NON_HEAD_RELATIONS), st.integers(0, 120)), max_size=12))
    head_age = draw(st.integers(ADULT_AGE, 120))
    size = len(others) + 1
    unique = draw(st.lists(cnics, min_size=size, max_size=size, unique=True))
    has_cnic = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    dobs = draw(st.lists(past_dobs, min_size=size, max_size=size))
    rows = [("head", head_age)] + others
    members = [
        MemberFacts(key=i, relation=relation,
                    sex=draw(st.sampled_from([s for s in (None, "male", "female", "transgender")
                                              if relation_fits_sex(relation, s)])),
                    age=age, cnic=unique[i] if has_cnic[i] else None, dob=dobs[i])
        for i, (relation, age) in enumerate(rows)
    ]
    return draw(st.permutations(members))


@given(members=well_formed_households())
def test_a_household_with_one_adult_head_distinct_cnics_and_known_ages_has_no_errors(members):
    problems = member_problems(list(members), TODAY)
    assert [p for p in problems if p.severity == "error"] == []
    assert not is_blocking(problems)
    assert {p.code for p in problems} <= {"child_not_younger"}


# --- relation and sex -------------------------------------------------------------------------------------


def test_a_male_daughter_and_a_female_son_are_errors():
    members = [member(1, "head", 40), member(2, "daughter", 10, sex="male"), member(3, "son", 8, sex="female")]
    problems = only(member_problems(members, TODAY), "relation_sex")
    assert [(p.member, p.severity) for p in problems] == [(2, "error"), (3, "error")]


def test_relations_that_say_nothing_of_sex_fit_anyone_and_a_transgender_member_fits_any_relation():
    assert relation_fits_sex("spouse", "male") and relation_fits_sex("grandchild", "female")
    assert relation_fits_sex("daughter", "transgender") and relation_fits_sex("son", None)
    assert not relation_fits_sex("mother", "male") and not relation_fits_sex("brother", "female")
