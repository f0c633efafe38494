"""Programme eligibility rules as data: a small JSON language, checked, put in words and evaluated for one
household here; services.programmes compiles the same rule to one SQL WHERE clause for millions.

A rule is a group or a condition:

    {"all": [rule, ...]}    every part holds          {"any": [rule, ...]}    at least one part holds
    {"not": rule}           the part does not hold    {"fact": F, "op": O, "value": V}

Facts (FACTS below) are read from the household row (its score, band, district, status and the facts_*
counts of domain.household_facts) and from its enrolments in other programmes. Operators: = != < <= > >=
in, not in. A condition on a fact the household does not have yet (no score, facts not counted) does not
hold, whatever its operator; `not` of it does. SQL gets the same two-valued logic: every condition there
is `column IS NOT NULL AND column <op> value`, so NULL never leaks into a NOT.

Messages are English msgids marked with N_ and translated when shown (validation errors to the admin in
their language, reasons to the citizen in plain Urdu). Plain Python: no Flask, no database."""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .catalogue import CATALOGUE, N_
from .household_status import HouseholdStatus

MAX_CONDITIONS = 60  # a rule an admin can still read
MAX_DEPTH = 6
MAX_LIST = 60  # values of one `in` (all 41 districts fit)


class Kind(StrEnum):
    NUMBER = "number"  # a decimal (the score)
    COUNT = "count"  # a whole number (ages, member counts)
    CHOICE = "choice"  # one of a closed list of keys
    TEXT = "text"  # a short label (the band: the scoring model names its bands)
    DISTRICT = "district"  # a district's area code
    PROGRAMME = "programme"  # another programme's code: the household is enrolled in it


@dataclass(frozen=True)
class Fact:
    name: str
    kind: Kind
    label: str  # msgid: what the admin and the citizen read
    column: str | None = None  # the households column (None: enrolments)
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] = field(default_factory=dict)


def _choices(list_name: str) -> tuple[tuple[str, ...], dict[str, str]]:
    choice_list = CATALOGUE.choice_list(list_name)
    return choice_list.keys, {c.key: c.label for c in choice_list.choices}


_STATUS_LABELS = {"registered": N_("registered"), "scheduled": N_("scheduled for survey"), "draft": N_("being surveyed"),
                  "submitted": N_("submitted"), "returned": N_("returned for correction"), "verified": N_("verified"),
                  "rejected": N_("not accepted")}
LIST_SEPARATOR = N_(", ")
_FACT_LIST = (
    Fact("score", Kind.NUMBER, N_("score (0 to 100, lower is poorer)"), "score"),
    Fact("band", Kind.TEXT, N_("poverty band"), "score_band"),
    Fact("district", Kind.DISTRICT, N_("district"), "district_id"),
    Fact("status", Kind.CHOICE, N_("registration status"), "status", tuple(s.value for s in HouseholdStatus),
         {s.value: _STATUS_LABELS.get(s.value, s.value) for s in HouseholdStatus}),
    Fact("head_sex", Kind.CHOICE, N_("sex of the head of household"), "facts_head_sex", *_choices("sex")),
    Fact("head_age", Kind.COUNT, N_("age of the head of household"), "facts_head_age"),
    Fact("head_marital_status", Kind.CHOICE, N_("marital status of the head of household"),
         "facts_head_marital_status", *_choices("marital_status")),
    Fact("head_education", Kind.CHOICE, N_("education of the head of household"), "facts_head_education",
         *_choices("education")),
    Fact("member_count", Kind.COUNT, N_("number of members"), "facts_member_count"),
    Fact("under5_count", Kind.COUNT, N_("number of children under five"), "facts_under5_count"),
    Fact("child_count", Kind.COUNT, N_("number of children under 15"), "facts_child_count"),
    Fact("elderly_count", Kind.COUNT, N_("number of members aged 60 or more"), "facts_elderly_count"),
    Fact("disabled_count", Kind.COUNT, N_("number of members with a disability"), "facts_disabled_count"),
    Fact("school_age_count", Kind.COUNT, N_("number of children of school age (4 to 16)"),
         "facts_school_age_count"),
    Fact("enrolled_count", Kind.COUNT, N_("number of children going to school"), "facts_enrolled_count"),
    Fact("enrolled_in", Kind.PROGRAMME, N_("receiving the programme"), None),
)
FACTS: dict[str, Fact] = {f.name: f for f in _FACT_LIST}

OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in")
ORDER_OPS = ("<", "<=", ">", ">=")
LIST_OPS = ("in", "not in")
OPS_FOR = {Kind.NUMBER: OPS, Kind.COUNT: OPS, Kind.CHOICE: ("=", "!=", "in", "not in"),
           Kind.TEXT: ("=", "!=", "in", "not in"), Kind.DISTRICT: ("=", "!=", "in", "not in"),
           Kind.PROGRAMME: ("=", "!=", "in", "not in")}
NEGATED = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", "<=": ">", ">": "<=", "in": "not in", "not in": "in"}
GROUPS = ("all", "any", "not")


# --- words ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A message to translate when shown: an English msgid and its placeholders (which may be phrases,
    names or lists of them; see `Name`)."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str], name_in: Callable[[Name], str] | None = None) -> str:
        def value(v):
            if isinstance(v, Phrase):
                return v.render(translate, name_in)
            if isinstance(v, Name):
                return name_in(v) if name_in else v.en
            if isinstance(v, (list, tuple)):
                return translate(LIST_SEPARATOR).join(value(x) for x in v) if v else ""
            if isinstance(v, float):
                return f"{v:g}"
            return str(v)

        text = translate(self.msgid)
        return text % {k: value(v) for k, v in self.params.items()} if self.params else text


@dataclass(frozen=True)
class Name:
    """Something named in both languages already (a district, a programme): not a msgid."""

    en: str
    ur: str

    def __str__(self) -> str:
        return self.en


OP_WORDS = {
    "=": N_("%(fact)s is %(value)s"),
    "!=": N_("%(fact)s is not %(value)s"),
    "<": N_("%(fact)s is below %(value)s"),
    "<=": N_("%(fact)s is %(value)s or less"),
    ">": N_("%(fact)s is above %(value)s"),
    ">=": N_("%(fact)s is %(value)s or more"),
    "in": N_("%(fact)s is one of: %(value)s"),
    "not in": N_("%(fact)s is none of: %(value)s"),
}
ENROLMENT_WORDS = {
    "=": N_("the household receives %(value)s"),
    "!=": N_("the household does not receive %(value)s"),
    "in": N_("the household receives one of: %(value)s"),
    "not in": N_("the household receives none of: %(value)s"),
}
GROUP_WORDS = {"all": N_("all of these"), "any": N_("at least one of these"), "not": N_("not this")}


# --- errors -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleError:
    """One thing wrong with a rule: where (a path such as all[2].value) and what, in words."""

    code: str
    path: str
    message: Phrase


class RuleInvalid(ValueError):
    def __init__(self, errors: list[RuleError]):
        super().__init__("; ".join(f"{e.path or 'rule'}: {e.code}" for e in errors))
        self.errors = errors


def _error(errors: list, code: str, path: str, msgid: str, **params) -> None:
    errors.append(RuleError(code, path, Phrase(msgid, {"where": path or "rule", **params})))


def parse_rule(text: str) -> Any:
    """The rule in a textarea, as JSON; RuleInvalid when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise RuleInvalid([RuleError("not_json", "", Phrase(
            N_("The rule is not valid JSON (near line %(line)s). Check the brackets, commas and quotes."),
            {"line": line or 1}))]) from None


@dataclass(frozen=True)
class Vocabulary:
    """What a rule may name outside itself: district codes and programme codes, with their names."""

    districts: Mapping[str, Name] = field(default_factory=dict)
    programmes: Mapping[str, Name] = field(default_factory=dict)


def validate(rule: Any, vocabulary: Vocabulary, *, require_verified: bool = True) -> list[RuleError]:
    """Everything wrong with `rule` (an empty list when it is good). A programme's rule must say, at its
    top level, that the household is verified: programmes go only to households a supervisor verified."""
    errors: list[RuleError] = []
    count = [0]
    _check(rule, "", 1, vocabulary, errors, count)
    if not errors and count[0] > MAX_CONDITIONS:
        _error(errors, "too_long", "", N_("The rule has %(count)s conditions; at most %(max)s are allowed."),
               count=count[0], max=MAX_CONDITIONS)
    if not errors and require_verified and not requires_verified(rule):
        _error(errors, "not_verified_only", "", N_(
            'The rule must require a verified household: add {"fact": "status", "op": "=", "value": "verified"} '
            'to its top-level "all".'))
    return errors


def requires_verified(rule: Any) -> bool:
    verified = {"fact": "status", "op": "=", "value": HouseholdStatus.VERIFIED.value}
    return rule == verified or (isinstance(rule, dict) and set(rule) == {"all"}
                                and any(part == verified for part in rule["all"]))


def _check(rule, path: str, depth: int, vocabulary: Vocabulary, errors: list, count: list) -> None:
    if depth > MAX_DEPTH:
        _error(errors, "too_deep", path, N_("%(where)s: groups are nested too deep (at most %(max)s levels)."),
               max=MAX_DEPTH)
        return
    if not isinstance(rule, dict):
        _error(errors, "not_object", path, N_(
            '%(where)s: each part must be an object: {"all": [...]}, {"any": [...]}, {"not": {...}} or '
            '{"fact": ..., "op": ..., "value": ...}.'))
        return
    groups = [key for key in GROUPS if key in rule]
    if groups:
        if len(rule) != 1:
            _error(errors, "mixed_group", path, N_('%(where)s: a group has exactly one key ("all", "any" or "not").'))
            return
        key = groups[0]
        inner = rule[key]
        if key == "not":
            _check(inner, f"{path}.not" if path else "not", depth + 1, vocabulary, errors, count)
            return
        if not isinstance(inner, list):
            _error(errors, "group_not_list", path, N_('%(where)s: "%(group)s" needs a list of conditions.'), group=key)
            return
        if not inner:
            _error(errors, "empty_group", path, N_('%(where)s: the group "%(group)s" is empty; add at least one condition.'),
                   group=key)
            return
        for i, part in enumerate(inner):
            _check(part, f"{path}.{key}[{i}]" if path else f"{key}[{i}]", depth + 1, vocabulary, errors, count)
        return
    count[0] += 1
    if set(rule) != {"fact", "op", "value"}:
        unknown = sorted(set(rule) - {"fact", "op", "value"})
        _error(errors, "bad_condition", path, N_(
            '%(where)s: a condition has exactly the keys "fact", "op" and "value"%(extra)s.'),
            extra=(" (not: " + ", ".join(map(str, unknown)) + ")") if unknown else "")
        return
    name, op, value = rule["fact"], rule["op"], rule["value"]
    fact = FACTS.get(name) if isinstance(name, str) else None
    if fact is None:
        _error(errors, "unknown_fact", path, N_('%(where)s: unknown fact "%(fact)s". Known facts: %(known)s.'),
               fact=str(name), known=", ".join(FACTS))
        return
    if op not in OPS_FOR[fact.kind]:
        _error(errors, "bad_op", path, N_('%(where)s: the operator "%(op)s" cannot be used with %(fact)s. Use one of: %(known)s.'),
               op=str(op), fact=Phrase(fact.label), known=" ".join(OPS_FOR[fact.kind]))
        return
    if op in LIST_OPS:
        if not isinstance(value, list):
            _error(errors, "needs_list", path, N_('%(where)s: "%(op)s" needs a list of values, such as [1, 2].'), op=op)
            return
        if not value:
            _error(errors, "empty_list", path, N_('%(where)s: the list of values for "%(op)s" is empty.'), op=op)
            return
        if len(value) > MAX_LIST:
            _error(errors, "long_list", path, N_("%(where)s: at most %(max)s values in one list."), max=MAX_LIST)
            return
        for i, item in enumerate(value):
            _check_value(fact, item, f"{path}.value[{i}]" if path else f"value[{i}]", vocabulary, errors)
    else:
        _check_value(fact, value, f"{path}.value" if path else "value", vocabulary, errors)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(fact: Fact, value, path: str, vocabulary: Vocabulary, errors: list) -> None:
    shown = json.dumps(value, ensure_ascii=False)[:40]
    label = Phrase(fact.label)
    if fact.kind == Kind.NUMBER:
        if not _is_number(value):
            _error(errors, "needs_number", path, N_("%(where)s: %(fact)s needs a number, not %(value)s."),
                   fact=label, value=shown)
        elif not 0 <= value <= 100:
            _error(errors, "out_of_range", path, N_("%(where)s: %(fact)s is between 0 and 100, not %(value)s."),
                   fact=label, value=shown)
    elif fact.kind == Kind.COUNT:
        if not (_is_number(value) and float(value).is_integer()):
            _error(errors, "needs_whole_number", path, N_("%(where)s: %(fact)s needs a whole number, not %(value)s."),
                   fact=label, value=shown)
        elif not 0 <= value <= 150:
            _error(errors, "out_of_range", path, N_("%(where)s: %(fact)s is between 0 and 150, not %(value)s."),
                   fact=label, value=shown)
    elif not isinstance(value, str):
        _error(errors, "needs_text", path, N_("%(where)s: %(fact)s needs a value in quotes, not %(value)s."),
               fact=label, value=shown)
    elif fact.kind == Kind.CHOICE and value not in fact.choices:
        _error(errors, "unknown_choice", path, N_('%(where)s: %(fact)s cannot be "%(value)s". Use one of: %(known)s.'),
               fact=label, value=value[:40], known=", ".join(fact.choices))
    elif fact.kind == Kind.TEXT and not 0 < len(value) <= 20:
        _error(errors, "bad_text", path, N_("%(where)s: %(fact)s needs a name of 1 to 20 characters."), fact=label)
    elif fact.kind == Kind.DISTRICT and value not in vocabulary.districts:
        _error(errors, "unknown_district", path, N_('%(where)s: unknown district "%(value)s". Use a district code such as %(example)s.'),
               value=value[:40], example=next(iter(sorted(vocabulary.districts)), "DST-LHR"))
    elif fact.kind == Kind.PROGRAMME and value not in vocabulary.programmes:
        _error(errors, "unknown_programme", path, N_('%(where)s: unknown programme "%(value)s". Known: %(known)s.'),
               value=value[:40], known=", ".join(sorted(vocabulary.programmes)))


# --- evaluation ---------------------------------------------------------------------------------------------


def _holds(fact: Fact, op: str, value, facts: Mapping[str, Any]) -> bool:
    if fact.kind == Kind.PROGRAMME:
        enrolled = set(facts.get("enrolled_in") or ())
        wanted = set(value) if op in LIST_OPS else {value}
        return bool(enrolled & wanted) == (op in ("=", "in"))
    actual = facts.get(fact.name)
    if actual is None:
        return False  # not known yet: no condition on it holds (SQL: column IS NOT NULL AND ...)
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    if op == "<":
        return actual < value
    if op == "<=":
        return actual <= value
    if op == ">":
        return actual > value
    if op == ">=":
        return actual >= value
    if op == "in":
        return actual in value
    return actual not in value


def holds(rule: Mapping, facts: Mapping[str, Any]) -> bool:
    """Does the household with these facts satisfy the (valid) rule?"""
    if "all" in rule:
        return all(holds(part, facts) for part in rule["all"])
    if "any" in rule:
        return any(holds(part, facts) for part in rule["any"])
    if "not" in rule:
        return not holds(rule["not"], facts)
    return _holds(FACTS[rule["fact"]], rule["op"], rule["value"], facts)


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: list[Phrase]  # the requirements the household does not meet, in words (empty when eligible)


def evaluate(rule: Mapping, facts: Mapping[str, Any], vocabulary: Vocabulary = Vocabulary()) -> Verdict:
    """Eligible or not, and why not: each unmet requirement in words, with the household's own value."""
    if holds(rule, facts):
        return Verdict(True, [])
    return Verdict(False, _unmet(rule, facts, vocabulary, negate=False))


def _unmet(rule: Mapping, facts, vocabulary: Vocabulary, *, negate: bool) -> list[Phrase]:
    """Why `rule` (or its negation) fails, as plain requirements: negation is pushed down to the conditions
    (De Morgan), so the citizen reads "the score is 32 or more" rather than "not: the score is below 32"."""
    if "not" in rule:
        return _unmet(rule["not"], facts, vocabulary, negate=not negate)
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        every = (key == "all") != negate  # an `all` (or a negated `any`) fails by any failing part
        parts = rule[key]
        failing = [p for p in parts if holds(p, facts) == negate]
        if every:
            return [reason for part in failing for reason in _unmet(part, facts, vocabulary, negate=negate)]
        options = [reason for part in parts for reason in _unmet(part, facts, vocabulary, negate=negate)]
        if len(options) <= 1:
            return options
        either = options[-1]
        for option in reversed(options[:-1]):
            either = Phrase(N_("%(a)s, or %(b)s"), {"a": option, "b": either})
        return [Phrase(N_("at least one of these: %(options)s"), {"options": either})]
    fact, op, value = FACTS[rule["fact"]], rule["op"], rule["value"]
    if negate:
        op = NEGATED[op]
    requirement = describe_condition(fact, op, value, vocabulary)
    actual = facts.get(fact.name)
    if fact.kind == Kind.PROGRAMME:
        return [requirement]
    if actual is None:
        return [Phrase(N_("%(requirement)s (not known yet for your household)"), {"requirement": requirement})]
    return [Phrase(N_("%(requirement)s (your household: %(actual)s)"),
                   {"requirement": requirement, "actual": value_words(fact, actual, vocabulary)})]


# --- the rule in words --------------------------------------------------------------------------------------


def value_words(fact: Fact, value, vocabulary: Vocabulary):
    if isinstance(value, list):
        return [value_words(fact, v, vocabulary) for v in value]
    if fact.kind == Kind.CHOICE:
        return Phrase(fact.choice_labels.get(value, str(value)))
    if fact.kind == Kind.DISTRICT:
        return vocabulary.districts.get(value, Name(str(value), str(value)))
    if fact.kind == Kind.PROGRAMME:
        return vocabulary.programmes.get(value, Name(str(value), str(value)))
    if fact.kind == Kind.COUNT and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def describe_condition(fact: Fact, op: str, value, vocabulary: Vocabulary) -> Phrase:
    words = ENROLMENT_WORDS if fact.kind == Kind.PROGRAMME else OP_WORDS
    return Phrase(words[op], {"fact": Phrase(fact.label), "value": value_words(fact, value, vocabulary)})


@dataclass(frozen=True)
class Described:
    """A rule in words, as a tree: a group's heading with its parts, or one condition."""

    phrase: Phrase
    parts: tuple[Described, ...] = ()


def describe(rule: Mapping, vocabulary: Vocabulary = Vocabulary()) -> Described:
    """The (valid) rule in words for the admin's page."""
    for key in ("all", "any"):
        if key in rule:
            return Described(Phrase(GROUP_WORDS[key]), tuple(describe(p, vocabulary) for p in rule[key]))
    if "not" in rule:
        return Described(Phrase(GROUP_WORDS["not"]), (describe(rule["not"], vocabulary),))
    return Described(describe_condition(FACTS[rule["fact"]], rule["op"], rule["value"], vocabulary))


def conditions(rule: Mapping):
    """Every condition of the rule (depth first)."""
    for key in ("all", "any"):
        if key in rule:
            for part in rule[key]:
                yield from conditions(part)
            return
    if "not" in rule:
        yield from conditions(rule["not"])
        return
    yield rule


def canonical(rule: Any) -> str:
    """The rule as stored and compared: sorted keys, compact, indented for the textarea."""
    return json.dumps(rule, ensure_ascii=False, indent=2, sort_keys=False)
