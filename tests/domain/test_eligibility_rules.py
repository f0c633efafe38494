"""A programme rule is checked with clear messages, evaluated for one household, and explains to the
citizen which requirement their household does not meet."""
from __future__ import annotations

import pytest

from app.domain.eligibility import (Name, RuleInvalid, Vocabulary, canonical, conditions, describe, evaluate,
                                    parse_rule, validate)

VOCAB = Vocabulary(districts={"DST-LHR": Name("Lahore", "لاہور"), "DST-MUL": Name("Multan", "ملتان")},
                   programmes={"ramzan_package": Name("Ramzan package", "رمضان پیکج"),
                               "widows_orphans": Name("Support for widows and orphans", "بیواؤں اور یتیموں کی کفالت")})
VERIFIED = {"fact": "status", "op": "=", "value": "verified"}


def rule(*parts):
    return {"all": [VERIFIED, *parts]}


def english(phrase) -> str:
    return phrase.render(lambda s: s, lambda name: name.en)


def codes(errors) -> list[str]:
    return [e.code for e in errors]


def test_a_good_rule_has_no_errors():
    good = rule({"fact": "score", "op": "<=", "value": 32},
                {"any": [{"fact": "district", "op": "in", "value": ["DST-LHR", "DST-MUL"]},
                         {"not": {"fact": "enrolled_in", "op": "=", "value": "ramzan_package"}}]},
                {"fact": "head_marital_status", "op": "=", "value": "widowed"})
    assert validate(good, VOCAB) == []


@pytest.mark.parametrize("bad, code, words", [
    (rule({"fact": "income", "op": "<", "value": 5}), "unknown_fact", 'unknown fact "income"'),
    (rule({"fact": "score", "op": "<", "value": "low"}), "needs_number", "needs a number, not \"low\""),
    (rule({"fact": "score", "op": "<", "value": 250}), "out_of_range", "between 0 and 100"),
    (rule({"fact": "head_age", "op": ">=", "value": 17.5}), "needs_whole_number", "needs a whole number"),
    (rule({"fact": "head_sex", "op": "<", "value": "female"}), "bad_op", 'operator "<" cannot be used'),
    (rule({"fact": "head_sex", "op": "=", "value": "woman"}), "unknown_choice", 'cannot be "woman"'),
    (rule({"fact": "district", "op": "=", "value": "PB-XYZ"}), "unknown_district", 'unknown district "PB-XYZ"'),
    (rule({"fact": "enrolled_in", "op": "=", "value": "free_cars"}), "unknown_programme", 'unknown programme "free_cars"'),
    (rule({"any": []}), "empty_group", 'the group "any" is empty'),
    (rule({"fact": "district", "op": "in", "value": "DST-LHR"}), "needs_list", '"in" needs a list'),
    (rule({"fact": "district", "op": "in", "value": []}), "empty_list", "is empty"),
    (rule({"fact": "score", "op": "<", "value": 3, "weight": 2}), "bad_condition", 'exactly the keys "fact", "op" and "value"'),
    (rule(["score", "<", 3]), "not_object", "each part must be an object"),
    (rule({"all": [VERIFIED], "any": [VERIFIED]}), "mixed_group", "exactly one key"),
    ({"fact": "score", "op": "<=", "value": 32}, "not_verified_only", "must require a verified household"),
])
def test_each_mistake_is_named_where_it_is(bad, code, words):
    errors = validate(bad, VOCAB)
    assert codes(errors) == [code]
    assert words in english(errors[0].message)
    if code != "not_verified_only":
        assert english(errors[0].message).startswith("all[1]")  # where: the second part of the top "all"


def test_every_mistake_of_a_rule_is_listed_at_once():
    bad = rule({"fact": "score", "op": "<", "value": "x"}, {"fact": "nope", "op": "=", "value": 1})
    assert codes(validate(bad, VOCAB)) == ["needs_number", "unknown_fact"]


def test_a_rule_that_is_not_json_says_so():
    with pytest.raises(RuleInvalid) as raised:
        parse_rule('{"all": [}')
    assert raised.value.errors[0].code == "not_json"
    assert "not valid JSON" in english(raised.value.errors[0].message)


def test_a_rule_nested_too_deep_is_refused():
    deep = VERIFIED
    for _ in range(8):
        deep = {"not": deep}
    assert "too_deep" in codes(validate(rule(deep), VOCAB))


def test_a_poor_widows_household_is_eligible_and_a_richer_one_is_told_why_not():
    widows = rule({"fact": "head_marital_status", "op": "=", "value": "widowed"},
                  {"fact": "score", "op": "<=", "value": 40})
    poor = {"status": "verified", "score": 21.5, "head_marital_status": "widowed"}
    assert evaluate(widows, poor, VOCAB).eligible
    verdict = evaluate(widows, {**poor, "score": 55.25}, VOCAB)
    assert not verdict.eligible
    assert [english(r) for r in verdict.reasons] == [
        "score (0 to 100, lower is poorer) is 40 or less (your household: 55.25)"]


def test_a_negated_condition_reads_as_a_plain_requirement():
    elderly = rule({"fact": "elderly_count", "op": ">=", "value": 1},
                   {"not": {"fact": "enrolled_in", "op": "=", "value": "widows_orphans"}})
    facts = {"status": "verified", "elderly_count": 2, "enrolled_in": {"widows_orphans"}}
    verdict = evaluate(elderly, facts, VOCAB)
    assert not verdict.eligible
    assert [english(r) for r in verdict.reasons] == [
        "the household does not receive Support for widows and orphans"]
    assert evaluate(elderly, {**facts, "enrolled_in": set()}, VOCAB).eligible


def test_an_unmet_choice_between_conditions_lists_the_options():
    either = rule({"any": [{"fact": "score", "op": "<=", "value": 32}, {"fact": "disabled_count", "op": ">=", "value": 1}]})
    verdict = evaluate(either, {"status": "verified", "score": 60.0, "disabled_count": 0}, VOCAB)
    assert [english(r) for r in verdict.reasons] == [
        "at least one of these: score (0 to 100, lower is poorer) is 32 or less (your household: 60), "
        "or number of members with a disability is 1 or more (your household: 0)"]


def test_a_fact_not_known_yet_meets_no_condition_but_its_negation():
    no_score = {"status": "verified", "score": None}
    assert not evaluate(rule({"fact": "score", "op": "<", "value": 50}), no_score).eligible
    assert not evaluate(rule({"fact": "score", "op": "!=", "value": 50}), no_score).eligible
    assert evaluate(rule({"not": {"fact": "score", "op": "<", "value": 50}}), no_score).eligible
    reasons = evaluate(rule({"fact": "score", "op": "<", "value": 50}), no_score).reasons
    assert "not known yet" in english(reasons[0])


def test_a_household_not_verified_is_not_eligible_and_is_told_so():
    verdict = evaluate(rule(), {"status": "submitted"}, VOCAB)
    assert not verdict.eligible
    assert english(verdict.reasons[0]) == "registration status is verified (your household: submitted)"


def test_the_rule_in_words_names_districts_and_programmes_in_either_language():
    words = describe(rule({"fact": "district", "op": "in", "value": ["DST-LHR", "DST-MUL"]}), VOCAB)
    assert english(words.phrase) == "all of these"
    assert english(words.parts[1].phrase) == "district is one of: Lahore, Multan"
    urdu = words.parts[1].phrase.render(lambda s: s, lambda name: name.ur)
    assert "لاہور" in urdu and "ملتان" in urdu


def test_conditions_and_canonical_text_round_trip():
    r = rule({"not": {"fact": "band", "op": "=", "value": "poorest"}})
    assert [c["fact"] for c in conditions(r)] == ["status", "band"]
    assert parse_rule(canonical(r)) == r
