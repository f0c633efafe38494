"""Whether two members of different households may be the same person: their names' phonetic keys compared by
trigrams (as PostgreSQL's pg_trgm compares them, so both databases agree), the father's or husband's name, the
date of birth (within 5 days, or with the day and the month swapped) or the age (within 2 years when only the
age is known), and the sex. Plain Python: it scores, it never decides; a supervisor does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .names import name_key
from .questionnaire import age_on

DOB_DAYS = 5  # dates of birth this close are typing slips
AGE_YEARS = 2  # a stated age is a guess: this close is the same
THRESHOLD = 0.75  # a pair scoring this much or more goes to a supervisor
NAME_FLOOR = 0.5  # below this the names are different people, whatever else agrees
MUHAMMAD_KEY = "mhmd"  # often written once and left out the next time


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a text: each word padded with two spaces before and one after."""
    grams = set()
    for word in text.lower().split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two texts."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@lru_cache(maxsize=65536)  # the same pairs of keys come back for every household of a district
def key_similarity(a: str, b: str) -> float:
    """How alike two name keys are (0 to 1): the best of the keys as they are, without "Muhammad", and with
    their words run together (عبدالرحمن is one word, "Abdul Rehman" two); one name's words all found in the
    other's counts as alike (Bilal and Muhammad Bilal Khan)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    scores = [trigram_similarity(a, b), trigram_similarity(a.replace(" ", ""), b.replace(" ", ""))]
    words_a = {w for w in a.split() if w != MUHAMMAD_KEY} or set(a.split())
    words_b = {w for w in b.split() if w != MUHAMMAD_KEY} or set(b.split())
    scores.append(trigram_similarity(" ".join(sorted(words_a)), " ".join(sorted(words_b))))
    if words_a <= words_b or words_b <= words_a:
        scores.append(0.85)
    return max(scores)


def swapped(day: date) -> date | None:
    """The date with its day and month exchanged (3 April ↔ 4 March), None when that is no date or the same."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def dates_match(a: date, b: date) -> bool:
    """Dates of birth within DOB_DAYS days of each other, or the same with the day and month swapped."""
    return abs((a - b).days) <= DOB_DAYS or swapped(a) == b


def ages_match(a: int, b: int) -> bool:
    return abs(a - b) <= AGE_YEARS


@dataclass(frozen=True)
class Person:
    """What the comparison reads of a member: names as typed, sex, date of birth or the age stated on `on`
    (the day the age was given)."""

    name: str
    sex: str | None
    dob: date | None = None
    age_years: int | None = None
    on: date | None = None
    father_or_husband_name: str | None = None
    key: str | None = None  # the stored name key, when known (saves computing it again)

    @property
    def name_key(self) -> str:
        return self.key if self.key is not None else name_key(self.name)


def _age_today(person: Person, today: date) -> int | None:
    if person.dob is not None:
        return age_on(person.dob, None, today)
    if person.age_years is None:
        return None
    # An age stated some years ago is that much more now.
    return person.age_years + max(0, (today - (person.on or today)).days // 365)


def birth_fits(a: Person, b: Person, today: date) -> float | None:
    """1 when both dates of birth are equal, 0.9 when they match by the rules (5 days, or day and month
    swapped), 0.7 when the ages (one or both only stated) are within AGE_YEARS, 0.5 when nothing is known of
    one of them; None when the birth facts say they are different people."""
    if a.dob and b.dob:
        if a.dob == b.dob:
            return 1.0
        return 0.9 if dates_match(a.dob, b.dob) else None
    age_a, age_b = _age_today(a, today), _age_today(b, today)
    if age_a is None or age_b is None:
        return 0.5
    return 0.7 if ages_match(age_a, age_b) else None


def sexes_fit(a: str | None, b: str | None) -> bool:
    """Different recorded sexes are different people, unless one is not known or is transgender."""
    return a is None or b is None or a == b or "transgender" in (a, b)


@dataclass(frozen=True)
class Match:
    score: float  # 0 to 1
    name: float
    father: float | None  # None: not known on both sides
    birth: float


def compare(a: Person, b: Person, today: date) -> Match | None:
    """How alike two members are, or None when a rule says they are different people (sex, birth, names)."""
    if not sexes_fit(a.sex, b.sex):
        return None
    birth = birth_fits(a, b, today)
    if birth is None:
        return None
    name = key_similarity(a.name_key, b.name_key)
    if name < NAME_FLOOR:
        return None
    father = None
    if a.father_or_husband_name and b.father_or_husband_name:
        father = key_similarity(name_key(a.father_or_husband_name), name_key(b.father_or_husband_name))
    if father is None:
        score = 0.7 * name + 0.3 * birth
    else:
        score = 0.45 * name + 0.3 * father + 0.25 * birth  # a different father outweighs a shared birthday
    return Match(round(score, 3), round(name, 3), None if father is None else round(father, 3), birth)


def is_candidate(match: Match | None) -> bool:
    return match is not None and match.score >= THRESHOLD


def birth_year(dob: date | None, age_years: int | None, on: date) -> int | None:
    """The year of birth a member's facts give: the date's, or the year `age_years` before `on`."""
    if dob is not None:
        return dob.year
    if age_years is not None:
        return on.year - age_years
    return None


def year_window(dob: date | None, age_years: int | None, on: date) -> tuple[int, int] | None:
    """The birth years a match may have. A date within DOB_DAYS may fall in the next or the previous year;
    swapping day and month keeps the year; an age within AGE_YEARS, each side a year out by the birthday,
    spans AGE_YEARS + 1 either way."""
    year = birth_year(dob, age_years, on)
    if year is None:
        return None
    spread = AGE_YEARS + 1
    return year - spread, year + spread
