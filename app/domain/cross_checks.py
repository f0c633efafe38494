"""Cross-checks within one household, as plain Python: each rule reads a household's facts (its members and
answers) and yields findings for a supervisor to weigh (a stable code, a severity, the members concerned, the
details). A finding never changes the household; the registry-wide checks (the same CNIC or mobile in other
households) and the stored flags are in services.cross_checks.

Every threshold is a named constant below, so a rule's sensitivity is changed in one place.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from .catalogue import CATALOGUE, N_, SECTION_TITLES, SECTIONS
from .cnic import CnicError, cnic_facts, sex_matches_cnic
from .questionnaire import ADULT_AGE, RELATION_SEX, MemberFacts, relation_fits_sex

SEVERITIES = ("error", "warning", "info")

# Legal age of marriage in Punjab: the Punjab Child Marriage Restraint (Amendment) Act 2015 kept the Child
# Marriage Restraint Act 1929's definition of a child (a male under 18, a female under 16) and raised the
# penalties. The catalogue's MARITAL_MIN_AGE (10) is only the age from which marital status is asked.
# A member of unknown or other sex is held to the lower age, so the flag never accuses on a guess.
LEGAL_MARRIAGE_AGE = {"male": 18, "female": 16}
EVER_MARRIED = frozenset({"married", "widowed", "divorced", "separated"})

MAX_PLAUSIBLE_MEMBERS = 15  # more than this in one household is worth a second look (joint families exist)
MIN_PARENT_CHILD_GAP = 12  # years a parent is at least older than their child

# Income against assets and housing (rupees a month, the household's total). Punjab's minimum wage is
# Rs 37,000 a month (2024-25), so under LOW_INCOME (about a quarter of it) a household would hardly keep a
# car or run an air conditioner; above HIGH_INCOME (about eight minimum wages) it would hardly live in a mud
# (kacha) house with none of the listed assets and no land.
LOW_INCOME = 10_000
HIGH_INCOME = 300_000
COSTLY_ASSETS = ("car", "air_conditioner")  # costly to buy and to run
MANY_ROOMS = 5  # a concrete (RCC) house with this many rooms or more is a costly house
LARGE_LANDHOLDING_ACRES = 12.5  # BISP's cut-off for a poor household's land
KACHA_ROOFS = frozenset({"thatch_mud", "wood_bamboo"})
KACHA_WALLS = frozenset({"mud_brick", "wood_bamboo"})

# Speed of the survey, from households.sections_saved (the time each section was last saved). A real visit
# takes 20 minutes or more; consent to the last section in under MIN_SURVEY_SECONDS means the answers were not
# asked. A section saved sooner than its minimum after the section saved just before it was not asked either
# (seconds are generous: time to read the questions out, not to discuss them).
MIN_SURVEY_SECONDS = 240
MIN_SECTION_SECONDS = {"members": 30, "housing": 20, "assets": 10, "income": 15}
SURVEY_SECTIONS = ("consent", "members", "housing", "assets", "income")  # all saved: the survey is complete


class Label(str):
    """A message parameter that is itself a msgid (a choice or a section title), translated with the message."""


@dataclass(frozen=True)
class Finding:
    """What one rule found. `message` is an English msgid (marked with N_) whose placeholders are filled from
    `params` in the reader's language: a Label is translated, a tuple of Labels is translated and joined, a
    mapping {"en": ..., "ur": ...} gives each language its own value. `details` is stored for the views."""

    code: str
    severity: str
    message: str
    members: tuple[int, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)
    details: Mapping[str, object] = field(default_factory=dict)
    other_household: int | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: no severity {self.severity!r}")


@dataclass(frozen=True)
class HouseholdFacts:
    """What the household rules read: the members (with their marital status and own income) and answers."""

    members: tuple[MemberFacts, ...]
    monthly_income: int | None = None
    assets: tuple[str, ...] = ()
    roof: str | None = None
    walls: str | None = None
    rooms: int | None = None
    land_acres: float | None = None
    sections_saved: Mapping[str, str] = field(default_factory=dict)

    @property
    def head(self) -> MemberFacts | None:
        return next((m for m in self.members if m.relation == "head"), None)


Rule = Callable[[HouseholdFacts, date], Iterable[Finding]]


def _choice(list_name: str, key: str) -> Label:
    return Label(CATALOGUE.choice_list(list_name).label(key) or key)


# --- CNICs -------------------------------------------------------------------------------------------------

def cnic_twice(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    by_cnic: dict[str, list[int]] = {}
    for m in facts.members:
        if m.cnic:
            by_cnic.setdefault(m.cnic, []).append(m.key)
    for cnic, keys in by_cnic.items():
        if len(keys) > 1:
            yield Finding("cnic_twice_in_household", "error",
                          N_("CNIC %(cnic)s is given for %(count)s members of this household."),
                          tuple(keys), {"cnic": cnic, "count": len(keys)}, {"cnic": cnic})


def _facts_of(cnic: str | None):
    try:
        return cnic_facts(cnic) if cnic else None
    except CnicError:
        return None


def cnic_sex(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """The last digit of a CNIC (or B-form) is odd for a man, even for a woman."""
    for m in facts.members:
        found = _facts_of(m.cnic)
        if found is not None and m.sex in ("male", "female") and not sex_matches_cnic(found.cnic, m.sex):
            yield Finding("cnic_sex_mismatch", "warning", _CNIC_SEX_MESSAGE[m.sex], (m.key,), {"cnic": found.cnic},
                          {"cnic": found.cnic, "cnic_sex": found.sex, "sex": m.sex})


_CNIC_SEX_MESSAGE = {
    "male": N_("CNIC %(cnic)s ends in an even digit, a woman's, but the member is recorded as male."),
    "female": N_("CNIC %(cnic)s ends in an odd digit, a man's, but the member is recorded as female."),
}


def cnic_region(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """Information only: people move to Punjab, but a supervisor may want to know."""
    for m in facts.members:
        found = _facts_of(m.cnic)
        if found is not None and found.region != "Punjab":
            yield Finding("cnic_outside_punjab", "info",
                          N_("CNIC %(cnic)s was issued outside Punjab (%(region)s)."),
                          (m.key,), {"cnic": found.cnic, "region": Label(found.region)},
                          {"cnic": found.cnic, "region": found.region})


# The region names of domain.cnic.REGIONS, marked so the Urdu catalogue has them.
_REGION_NAMES = (N_("Khyber Pakhtunkhwa"), N_("former FATA"), N_("Punjab"), N_("Sindh"), N_("Balochistan"),
                 N_("Islamabad"), N_("Gilgit-Baltistan"))


# --- relations and ages ------------------------------------------------------------------------------------

def relation_sex(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """A daughter recorded as male, a son as female, and so on for every relation that names a sex."""
    for m in facts.members:
        if not relation_fits_sex(m.relation, m.sex):
            yield Finding("relation_sex_mismatch", "error",
                          N_("The relation is %(relation)s, but the sex is %(sex)s."),
                          (m.key,), {"relation": _choice("relation", m.relation), "sex": _choice("sex", m.sex)},
                          {"relation": m.relation, "sex": m.sex, "expected_sex": RELATION_SEX[m.relation]})


def spouse_sex(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """A spouse of the head's own sex usually means the relation or the sex was picked wrong."""
    head = facts.head
    if head is None or head.sex not in ("male", "female"):
        return
    for m in facts.members:
        if m.relation == "spouse" and m.sex == head.sex:
            yield Finding("spouse_same_sex_as_head", "warning",
                          N_("The head and the spouse are both recorded as %(sex)s."),
                          (head.key, m.key), {"sex": _choice("sex", m.sex)}, {"sex": m.sex})


def parent_child_ages(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """The head's sons and daughters are children of the head (and of the spouse); the head is the child of
    the head's father and mother. A child older than a parent, or less than MIN_PARENT_CHILD_GAP years
    younger, is flagged once per child and parent."""
    pairs: list[tuple[MemberFacts, MemberFacts]] = []
    parents = [m for m in facts.members if m.relation in ("head", "spouse")]
    pairs += [(p, c) for c in facts.members if c.relation in ("son", "daughter") for p in parents]
    head = facts.head
    if head is not None:
        pairs += [(p, head) for p in facts.members if p.relation in ("father", "mother")]
    for parent, child in pairs:
        if parent.age is None or child.age is None:
            continue
        gap = parent.age - child.age
        details = {"parent_age": parent.age, "child_age": child.age, "gap": gap}
        params = {"parent": _choice("relation", parent.relation), "child": _choice("relation", child.relation),
                  "parent_age": parent.age, "child_age": child.age}
        if gap <= 0:
            yield Finding("child_older_than_parent", "warning",
                          N_("%(child)s, aged %(child_age)s, is not younger than %(parent)s, aged "
                             "%(parent_age)s."), (child.key, parent.key), params, details)
        elif gap < MIN_PARENT_CHILD_GAP:
            yield Finding("parent_too_young", "warning",
                          N_("%(child)s, aged %(child_age)s, is less than 12 years younger than %(parent)s, "
                             "aged %(parent_age)s."), (child.key, parent.key), params, details)


def head_minor(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    head = facts.head
    if head is not None and head.age is not None and head.age < ADULT_AGE:
        yield Finding("head_under_18", "warning", N_("The head of the household is %(age)s years old."),
                      (head.key,), {"age": head.age}, {"age": head.age})


def married_under_age(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """A spouse, or any member ever married, younger than the legal age of marriage for their sex."""
    for m in facts.members:
        if m.age is None or not (m.relation == "spouse" or m.marital_status in EVER_MARRIED):
            continue
        legal = LEGAL_MARRIAGE_AGE.get(m.sex or "", min(LEGAL_MARRIAGE_AGE.values()))
        if m.age < legal:
            yield Finding("married_under_legal_age", "warning",
                          N_("A member aged %(age)s is recorded as married or a spouse; the legal age of "
                             "marriage is %(legal)s."),
                          (m.key,), {"age": m.age, "legal": legal},
                          {"age": m.age, "legal_age": legal, "marital_status": m.marital_status})


def too_many_members(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    if len(facts.members) > MAX_PLAUSIBLE_MEMBERS:
        yield Finding("too_many_members", "warning",
                      N_("The household has %(count)s members; more than 15 is unusual."),
                      (), {"count": len(facts.members)}, {"count": len(facts.members)})


# --- income, assets and housing ----------------------------------------------------------------------------

def _wealth_signals(facts: HouseholdFacts) -> list[Label]:
    signals = [_choice("assets", a) for a in COSTLY_ASSETS if a in facts.assets]
    if facts.roof == "rcc" and (facts.rooms or 0) >= MANY_ROOMS:
        signals.append(Label(N_("a concrete house with many rooms")))
    if (facts.land_acres or 0) >= LARGE_LANDHOLDING_ACRES:
        signals.append(Label(N_("more than 12 acres of land")))
    return signals


def income_against_assets(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    income = facts.monthly_income
    if income is None:
        return
    signals = _wealth_signals(facts)
    if income < LOW_INCOME and signals:
        yield Finding("income_low_for_assets", "warning",
                      N_("A monthly income of Rs %(income)s is low for a household with %(signals)s."),
                      (), {"income": income, "signals": tuple(signals)},
                      {"income": income, "signals": [str(s) for s in signals]})
    kacha = facts.roof in KACHA_ROOFS or facts.walls in KACHA_WALLS
    if income >= HIGH_INCOME and kacha and not facts.assets and not facts.land_acres:
        yield Finding("income_high_for_housing", "warning",
                      N_("A monthly income of Rs %(income)s is high for a mud house with none of the listed "
                         "assets and no land."), (), {"income": income},
                      {"income": income, "roof": facts.roof, "walls": facts.walls})
    members_income = sum(m.income or 0 for m in facts.members)
    if members_income > income:
        yield Finding("income_below_members", "warning",
                      N_("The household's monthly income (Rs %(income)s) is less than its members' own incomes "
                         "together (Rs %(members_income)s)."),
                      tuple(m.key for m in facts.members if m.income), {"income": income,
                                                                        "members_income": members_income},
                      {"income": income, "members_income": members_income})


# --- speed of the survey -----------------------------------------------------------------------------------

def save_times(sections_saved: Mapping[str, str] | None) -> dict[str, datetime]:
    """The sections whose save time is known to the second (a date alone, as old imports and demo data
    carry, says nothing about speed)."""
    times = {}
    for section, value in (sections_saved or {}).items():
        if isinstance(value, str) and "T" in value:
            try:
                times[section] = datetime.fromisoformat(value)
            except ValueError:
                continue
    return times


def survey_speed(facts: HouseholdFacts, today: date) -> Iterator[Finding]:
    """Once every section of the survey is saved: the time from the first save to the last, or else the
    sections saved sooner than their minimum after the section before them. The times are each section's latest
    save, so a later correction only makes the survey look slower, never faster."""
    times = save_times(facts.sections_saved)
    if not all(s in times for s in SURVEY_SECTIONS):
        return
    ordered = sorted(times.items(), key=lambda item: item[1])
    total = (ordered[-1][1] - ordered[0][1]).total_seconds()
    if total < MIN_SURVEY_SECONDS:
        yield Finding("survey_too_fast", "warning",
                      N_("The whole questionnaire was filled in %(seconds)s seconds."),
                      (), {"seconds": int(total)}, {"seconds": int(total), "minimum": MIN_SURVEY_SECONDS})
        return
    # Only a section saved right after the one before it in the questionnaire is timed: a section saved again
    # later (a quick correction) says nothing about how long its questions took the first time.
    fast = []
    for (before, before_at), (section, at) in zip(ordered, ordered[1:]):
        seconds = (at - before_at).total_seconds()
        follows = section in MIN_SECTION_SECONDS and SECTIONS.index(before) == SECTIONS.index(section) - 1
        if follows and seconds < MIN_SECTION_SECONDS[section]:
            fast.append((section, int(seconds)))
    if fast:
        yield Finding("sections_too_fast", "warning",
                      N_("Saved within seconds of the section before: %(sections)s."),
                      (), {"sections": tuple(Label(SECTION_TITLES[s]) for s, _ in fast)},
                      {"sections": {s: seconds for s, seconds in fast}})


# The rules in the order their flags are listed; services.cross_checks runs them all.
RULES: tuple[Rule, ...] = (
    cnic_twice, cnic_sex, cnic_region, relation_sex, spouse_sex, parent_child_ages, head_minor,
    married_under_age, too_many_members, income_against_assets, survey_speed,
)


def household_findings(facts: HouseholdFacts, today: date, rules: Iterable[Rule] = RULES) -> list[Finding]:
    return [finding for rule in rules for finding in rule(facts, today)]
