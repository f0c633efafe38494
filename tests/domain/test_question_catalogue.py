"""The question catalogue: each question once, with a stable key, looked up by key and by section; its skip
rules are the questionnaire's; a catalogue that contradicts itself is refused when it is built."""
from __future__ import annotations

import pytest

from app.domain.catalogue import (
    CATALOGUE,
    MEMBERS,
    SECTIONS,
    AgeRule,
    Catalogue,
    Question,
    QuestionType,
)
from app.domain.questionnaire import asks_enrolment, asks_marital_status


def test_every_question_is_found_by_its_key_and_in_its_section():
    for question in CATALOGUE:
        assert CATALOGUE[question.key] is question
        assert question in CATALOGUE.section(question.section)
    assert CATALOGUE["roof"].type == QuestionType.CHOICE and CATALOGUE["roof"].choices == "roof"
    assert CATALOGUE.get("no_such_question") is None


def test_the_sections_are_asked_in_order_and_members_have_their_own_table():
    assert CATALOGUE.sections == ("consent", "housing", "assets", "income")
    assert [q.key for q in CATALOGUE.section("housing")] == [
        "tenure", "rooms", "roof", "walls", "toilet", "water", "electricity", "cooking_fuel"]
    assert {q.table for q in CATALOGUE.section("members")} == {MEMBERS}
    assert [s for s in SECTIONS if s != "review"] == ["consent", "members", "housing", "assets", "income"]


def test_a_key_is_stable_even_where_the_form_field_shares_a_name():
    own, household = CATALOGUE["own_income"], CATALOGUE["monthly_income"]
    assert own.field_name == own.column_name == household.column_name == "monthly_income"
    assert (own.table, household.table) == ("household_members", "households")


def test_the_tehsil_is_stored_as_the_households_area():
    assert CATALOGUE["tehsil"].column_name == "area_id"
    assert "area_id" in CATALOGUE.section_columns()["consent"]


def test_every_choice_question_has_its_list_and_every_list_has_distinct_keys():
    for question in CATALOGUE:
        if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
            keys = CATALOGUE.choice_list(question).keys
            assert keys and len(set(keys)) == len(keys), question.key


def test_every_number_has_a_range():
    for question in CATALOGUE:
        if question.type == QuestionType.NUMBER:
            assert question.minimum is not None and question.maximum is not None, question.key
            assert question.minimum < question.maximum


@pytest.mark.parametrize("age", [None, *range(0, 25), 60, 120])
def test_the_skip_rules_are_the_questionnaires_marital_from_10_school_from_4_to_16(age):
    assert CATALOGUE["marital_status"].relevant.applies(age) == asks_marital_status(age)
    assert CATALOGUE["enrolled"].relevant.applies(age) == asks_enrolment(age)
    assert asks_marital_status(age) == (age is None or age >= 10)
    assert asks_enrolment(age) == (age is not None and 4 <= age <= 16)


def test_a_catalogue_with_a_key_twice_is_refused():
    with pytest.raises(ValueError, match="key is used twice"):
        Catalogue([*CATALOGUE, Question("roof", "housing", QuestionType.TEXT, "Roof again")],
                  CATALOGUE.choice_lists.values())


def test_a_choice_question_without_its_list_is_refused():
    with pytest.raises(ValueError, match="no choice list"):
        CATALOGUE.adding(Question("floor", "housing", QuestionType.CHOICE, "Floor", choices="floor"))


def test_an_age_rule_on_a_household_question_is_refused():
    with pytest.raises(ValueError, match="members only"):
        CATALOGUE.adding(Question("pets", "assets", QuestionType.NUMBER, "Pets", relevant=AgeRule(age_from=10)))


def test_two_questions_in_one_column_are_refused():
    with pytest.raises(ValueError, match="column is used twice"):
        CATALOGUE.adding(Question("rooms_again", "housing", QuestionType.NUMBER, "Rooms", name="rooms",
                                  minimum=0, maximum=9))
