"""A supervisor's cross-checks within one household, rule by rule: what is flagged, with which code, severity
and members, and what a sound household leaves alone."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.domain.cross_checks import (
    HIGH_INCOME,
    LEGAL_MARRIAGE_AGE,
    LOW_INCOME,
    MAX_PLAUSIBLE_MEMBERS,
    MIN_SURVEY_SECONDS,
    RULES,
    Finding,
    HouseholdFacts,
    Label,
    household_findings,
    save_times,
)
from app.domain.questionnaire import MemberFacts

TODAY = date(2026, 3, 2)
HEAD_CNIC, WIFE_CNIC = "35202-1234567-1", "35202-1234568-2"


def person(key, relation, age, sex="male", cnic=None, **more) -> MemberFacts:
    return MemberFacts(key=key, relation=relation, sex=sex, age=age, cnic=cnic, **more)


def family(*extra: MemberFacts) -> tuple[MemberFacts, ...]:
    return (person(1, "head", 45, cnic=HEAD_CNIC, marital_status="married"),
            person(2, "spouse", 40, "female", WIFE_CNIC, marital_status="married"),
            person(3, "son", 15), person(4, "daughter", 12, "female"), *extra)


def facts(members=None, **answers) -> HouseholdFacts:
    answers = {"monthly_income": 40_000, "assets": ("tv", "motorcycle"), "roof": "iron_sheet",
               "walls": "burnt_brick", "rooms": 3, "land_acres": 0.0, **answers}
    return HouseholdFacts(members=family() if members is None else tuple(members), **answers)


def found(household: HouseholdFacts, code: str) -> list[Finding]:
    return [f for f in household_findings(household, TODAY) if f.code == code]


def test_a_sound_household_raises_no_flag():
    assert household_findings(facts(), TODAY) == []


def test_every_rule_is_in_the_registry_once():
    assert len(set(RULES)) == len(RULES) >= 10


def test_the_same_cnic_twice_in_one_household_is_an_error_naming_both_members():
    household = facts(family(person(5, "son", 20, cnic=HEAD_CNIC)))
    [flag] = found(household, "cnic_twice_in_household")
    assert (flag.severity, flag.members, flag.details["cnic"]) == ("error", (1, 5), HEAD_CNIC)


def test_a_cnic_whose_sex_digit_disagrees_with_the_recorded_sex_is_a_warning():
    household = facts(family(person(5, "son", 20, "male", "35202-7654321-4")))
    [flag] = found(household, "cnic_sex_mismatch")
    assert (flag.severity, flag.members) == ("warning", (5,))
    assert flag.details == {"cnic": "35202-7654321-4", "cnic_sex": "female", "sex": "male"}


def test_a_transgender_member_is_not_held_to_the_sex_digit():
    assert found(facts(family(person(5, "other_relative", 30, "transgender", "35202-7654321-4"))),
                 "cnic_sex_mismatch") == []


def test_a_cnic_from_sindh_is_information_only():
    household = facts(family(person(5, "son_in_law", 28, "male", "42101-1234567-1")))
    [flag] = found(household, "cnic_outside_punjab")
    assert (flag.severity, flag.members, flag.details["region"]) == ("info", (5,), "Sindh")
    assert flag.params["region"] == Label("Sindh")


def test_a_daughter_recorded_as_male_is_flagged():
    household = facts(family(person(5, "daughter", 8, "male")))
    [flag] = found(household, "relation_sex_mismatch")
    assert (flag.severity, flag.members, flag.details["expected_sex"]) == ("error", (5,), "female")


def test_a_spouse_of_the_heads_own_sex_is_a_warning():
    members = (person(1, "head", 45), person(2, "spouse", 40, "male"))
    [flag] = found(facts(members), "spouse_same_sex_as_head")
    assert flag.members == (1, 2)


def test_a_child_older_than_a_parent_is_flagged_once_per_parent():
    household = facts(family(person(5, "son", 42)))
    flags = found(household, "child_older_than_parent")
    assert [f.members for f in flags] == [(5, 2)]  # older than the spouse (40), younger than the head (45)
    assert flags[0].details == {"parent_age": 40, "child_age": 42, "gap": -2}


def test_a_child_less_than_twelve_years_younger_than_a_parent_is_flagged():
    household = facts(family(person(5, "daughter", 31, "female")))
    [flag] = found(household, "parent_too_young")
    assert flag.members == (5, 2) and flag.details["gap"] == 9


def test_a_head_older_than_their_own_father_is_flagged():
    household = facts(family(person(5, "father", 44)))
    [flag] = found(household, "child_older_than_parent")
    assert flag.members == (1, 5)


def test_a_head_aged_15_is_flagged():
    members = (person(1, "head", 15, cnic=HEAD_CNIC), person(2, "brother", 12))
    [flag] = found(facts(members), "head_under_18")
    assert (flag.severity, flag.members, flag.details) == ("warning", (1,), {"age": 15})


def test_an_adult_head_is_not_flagged():
    assert found(facts((person(1, "head", 18),)), "head_under_18") == []


@pytest.mark.parametrize(("sex", "age", "flagged"), [
    ("female", LEGAL_MARRIAGE_AGE["female"] - 1, True), ("female", LEGAL_MARRIAGE_AGE["female"], False),
    ("male", LEGAL_MARRIAGE_AGE["male"] - 1, True), ("male", LEGAL_MARRIAGE_AGE["male"], False),
])
def test_a_spouse_under_the_legal_age_of_marriage_for_their_sex_is_flagged(sex, age, flagged):
    head_sex = "female" if sex == "male" else "male"
    members = (person(1, "head", 30, head_sex), person(2, "spouse", age, sex, marital_status="married"))
    flags = found(facts(members), "married_under_legal_age")
    assert [f.members for f in flags] == ([(2,)] if flagged else [])
    if flagged:
        assert flags[0].details["legal_age"] == LEGAL_MARRIAGE_AGE[sex]


def test_a_widowed_girl_of_fourteen_was_married_under_the_legal_age():
    household = facts(family(person(5, "daughter_in_law", 14, "female", marital_status="widowed")))
    assert [f.members for f in found(household, "married_under_legal_age")] == [(5,)]


def test_sixteen_members_are_flagged_and_fifteen_are_not():
    children = [person(k, "son", 10) for k in range(5, 5 + MAX_PLAUSIBLE_MEMBERS - 4)]
    assert found(facts(family(*children)), "too_many_members") == []
    [flag] = found(facts(family(*children, person(99, "daughter", 3, "female"))), "too_many_members")
    assert flag.details == {"count": 16}


@pytest.mark.parametrize("answers", [
    {"assets": ("car",)}, {"assets": ("air_conditioner", "tv")}, {"roof": "rcc", "rooms": 6},
    {"land_acres": 25.0},
])
def test_a_very_low_income_with_a_car_an_ac_a_big_concrete_house_or_much_land_is_flagged(answers):
    [flag] = found(facts(monthly_income=LOW_INCOME - 1, **answers), "income_low_for_assets")
    assert flag.severity == "warning" and flag.details["signals"]


def test_a_low_income_without_costly_assets_is_not_flagged():
    assert found(facts(monthly_income=0, assets=("tv",), roof="rcc", rooms=2), "income_low_for_assets") == []


def test_a_very_high_income_in_a_mud_house_with_nothing_is_flagged():
    household = facts(monthly_income=HIGH_INCOME, assets=(), roof="thatch_mud", walls="mud_brick", land_acres=None)
    [flag] = found(household, "income_high_for_housing")
    assert flag.details["income"] == HIGH_INCOME
    assert found(facts(monthly_income=HIGH_INCOME, roof="thatch_mud"), "income_high_for_housing") == []  # has a tv


def test_members_earning_more_than_the_household_is_flagged():
    members = family(person(5, "son", 22, income=30_000), person(6, "son", 20, income=20_000))
    [flag] = found(facts(members, monthly_income=40_000), "income_below_members")
    assert flag.members == (5, 6) and flag.details == {"income": 40_000, "members_income": 50_000}


def _saved(start: datetime, **offsets: float) -> dict[str, str]:
    return {section: (start + timedelta(seconds=s)).isoformat() for section, s in offsets.items()}


START = datetime(2026, 3, 2, 9, 0)


def test_a_household_finished_in_40_seconds_is_flagged():
    saved = _saved(START, consent=0, members=12, housing=20, assets=28, income=34, review=40)
    [flag] = found(facts(sections_saved=saved), "survey_too_fast")
    assert flag.details == {"seconds": 40, "minimum": MIN_SURVEY_SECONDS}
    assert found(facts(sections_saved=saved), "sections_too_fast") == []  # one flag says it


def test_a_survey_of_twenty_minutes_is_not_flagged():
    saved = _saved(START, consent=0, members=600, housing=800, assets=950, income=1200)
    assert household_findings(facts(sections_saved=saved), TODAY) == []


def test_sections_saved_seconds_apart_in_a_long_survey_are_flagged_by_name():
    saved = _saved(START, consent=0, members=900, housing=905, assets=907, income=1500)
    [flag] = found(facts(sections_saved=saved), "sections_too_fast")
    assert flag.details == {"sections": {"housing": 5, "assets": 2}}


def test_a_quick_correction_of_an_earlier_section_is_not_taken_for_a_fast_section():
    saved = _saved(START, consent=0, members=900, assets=1300, income=1500, housing=1510)  # housing fixed last
    assert found(facts(sections_saved=saved), "sections_too_fast") == []


def test_speed_waits_for_every_section_and_ignores_dates_without_a_time():
    partial = _saved(START, consent=0, members=5, housing=9)
    assert found(facts(sections_saved=partial), "survey_too_fast") == []
    dated = {s: "2026-03-02" for s in ("consent", "members", "housing", "assets", "income")}
    assert save_times(dated) == {} and found(facts(sections_saved=dated), "survey_too_fast") == []


def test_a_finding_refuses_an_unknown_severity():
    with pytest.raises(ValueError):
        Finding("x", "fatal", "message")
