"""Demo households are believable and pass the portal's own rules: one adult head, a spouse of the other sex,
sons male and daughters female, children younger than their parents, CNICs whose parity is the holder's sex,
every answer within its question's choices and range, and questions skipped at ages they do not apply to."""
from __future__ import annotations

import random
from datetime import date

from app.domain.catalogue import CATALOGUE, HOUSEHOLDS, QuestionType
from app.domain.cnic import cnic_facts
from app.domain.questionnaire import MemberFacts, age_on, member_problems, relation_fits_sex
from app.domain.sample_households import sample_household

TODAY = date(2026, 2, 28)
SEEDS = range(300)


def _sample(seed: int, **kw):
    return sample_household(random.Random(seed), today=TODAY, **kw)


def _within_rules(question, value) -> bool:
    kind = question.type
    if value is None:
        return not question.required or question.relevant is not None
    if kind == QuestionType.CHOICE:
        return value in CATALOGUE.choice_list(question).keys
    if kind == QuestionType.MULTI_CHOICE:
        return set(value) <= set(CATALOGUE.choice_list(question).keys)
    if kind == QuestionType.YES_NO:
        return isinstance(value, bool)
    if kind == QuestionType.NUMBER:
        return question.minimum <= value <= question.maximum and (question.decimal or isinstance(value, int))
    if kind == QuestionType.TEXT:
        return isinstance(value, str) and len(value) <= question.max_length
    if kind == QuestionType.DATE:
        return value <= TODAY
    if kind == QuestionType.CNIC:
        return cnic_facts(value).cnic == value
    return False


def test_a_sample_household_has_no_problem_the_questionnaire_would_raise():
    for seed in SEEDS:
        sample = _sample(seed)
        facts = [MemberFacts(key=i, relation=m["relation"], sex=m["sex"], age=age_on(m["dob"], m["age_years"], TODAY),
                             cnic=m["cnic"], dob=m["dob"]) for i, m in enumerate(sample.members)]
        assert member_problems(facts, TODAY) == [], seed  # no error and no warning either


def test_a_sample_family_fits_together():
    for seed in SEEDS:
        _family_fits_together(_sample(seed).members)


def _family_fits_together(members):
    head = members[0]
    assert head["relation"] == "head"
    for member in members:
        assert relation_fits_sex(member["relation"], member["sex"]), member
        if member["cnic"]:
            assert cnic_facts(member["cnic"]).sex == member["sex"], member
    spouses = [m for m in members if m["relation"] == "spouse"]
    assert len(spouses) <= 1
    for spouse in spouses:
        assert {head["sex"], spouse["sex"]} == {"male", "female"}
        assert head["marital_status"] == spouse["marital_status"] == "married"
    if not spouses:
        assert head["marital_status"] != "married"


def test_every_answer_is_within_its_questions_choices_range_and_skip_rule():
    for seed in SEEDS:
        _answers_within_rules(_sample(seed))


def _answers_within_rules(sample):
    for question in CATALOGUE:
        if question.type == QuestionType.AREA:
            continue
        for answers in [sample.household] if question.table == HOUSEHOLDS else sample.members:
            value = answers[question.column_name]
            assert _within_rules(question, value), (question.key, value)
            if question.relevant is not None:
                age = age_on(answers["dob"], answers["age_years"], TODAY)
                assert (value is not None) == question.relevant.applies(age), (question.key, age, value)


def test_the_head_is_the_person_of_the_cnic_given():
    for seed in range(50):
        head = _sample(seed, head_cnic="35202-1234567-4", head_name="Bushra Malik").members[0]
        assert (head["cnic"], head["name"], head["sex"]) == ("35202-1234567-4", "Bushra Malik", "female")


def test_household_income_covers_what_its_members_earn():
    for seed in SEEDS:
        sample = _sample(seed)
        earned = sum(m["monthly_income"] or 0 for m in sample.members)
        assert sample.household["monthly_income"] >= earned
        assert (sample.household["main_income_source"] == "none") == (sample.household["monthly_income"] == 0)


def test_cnics_come_from_the_callers_source_and_are_never_given_twice():
    given = iter(["35202-0000001-1", "35202-0000001-1", "35202-0000002-2", "35202-0000003-3", "35202-0000004-4"]
                 + [f"35202-{n:07d}-{n % 10}" for n in range(10, 100)])
    sample = _sample(7, head_cnic="35202-9999999-9", new_cnic=lambda sex: next(c for c in given
                                                                                  if cnic_facts(c).sex == sex))
    cnics = [m["cnic"] for m in sample.members if m["cnic"]]
    assert len(cnics) == len(set(cnics)) and len(cnics) > 1


def test_the_same_seed_gives_the_same_household():
    assert _sample(11) == _sample(11)
