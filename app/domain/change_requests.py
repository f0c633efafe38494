"""Changes and corrections a citizen asks for: the kinds, each kind's short list of answers, the request's
life (open → in_progress → applied | declined) and the checks of a request's answers, as plain Python."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from .catalogue import CATALOGUE, MAX_AGE, SECTIONS
from .questionnaire import relation_fits_sex

DESCRIPTION_MAX = 500  # what is wrong, for a correction; what was damaged, for a disaster
ADDRESS_MAX = CATALOGUE["address"].max_length
NAME_MAX = CATALOGUE["name"].max_length
INCOME_MAX = int(CATALOGUE["monthly_income"].maximum)
MAX_OPEN = 3  # open requests a household may have at once; the next one is told to wait


class Kind(StrEnum):
    BIRTH = "birth"
    DEATH = "death"
    MARRIAGE = "marriage"
    DIVORCE = "divorce"
    MOVE = "move"
    DISASTER = "disaster"
    INCOME = "income"
    CORRECTION = "correction"


class State(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"  # a field visit has been asked for
    APPLIED = "applied"  # written into a new household revision, which the supervisor reviews
    DECLINED = "declined"


OPEN_STATES = (State.OPEN, State.IN_PROGRESS)
# The answers each kind's short form asks, in order.
FIELDS = {
    Kind.BIRTH: ("name", "sex", "relation", "dob"),
    Kind.DEATH: ("member_id", "date"),
    Kind.MARRIAGE: ("member_id", "date"),
    Kind.DIVORCE: ("member_id", "date"),
    Kind.MOVE: ("tehsil", "address"),
    Kind.DISASTER: ("damage", "date", "description"),
    Kind.INCOME: ("monthly_income",),
    Kind.CORRECTION: ("section", "description"),
}
# What a newborn may be to the head of the household.
BIRTH_RELATIONS = ("son", "daughter", "grandchild", "brother", "sister", "other_relative")
DAMAGE = ("house_damaged", "house_destroyed", "crops", "livestock", "other")
# The sections a correction can name (the questionnaire's, without the review).
CORRECTABLE_SECTIONS = tuple(s for s in SECTIONS if s != "review")
# Kinds whose change is written by staff from the request itself; the others are made at a field visit.
WRITTEN_FROM_REQUEST = (Kind.BIRTH, Kind.DEATH, Kind.MARRIAGE, Kind.DIVORCE, Kind.MOVE, Kind.INCOME)
MARITAL_AFTER = {Kind.MARRIAGE: "married", Kind.DIVORCE: "divorced"}


def check_event_date(value: date | None, today: date) -> str | None:
    """A problem code for the date of an event, or None."""
    if value is None:
        return "required"
    if value > today:
        return "future"
    if value.year < today.year - MAX_AGE:
        return "too_old"
    return None


def check_details(kind: Kind | str, details: dict, today: date, *, member_ids=(), tehsil_codes=None) -> dict[str, str]:
    """Problems of a request's answers (field → code); empty when it may be filed. `member_ids`: the
    household's members a death, marriage or divorce may name; `tehsil_codes`: the tehsils a move may name."""
    kind = Kind(kind)
    problems: dict[str, str] = {}

    def required(name):
        if details.get(name) in (None, "", []):
            problems[name] = "required"
            return False
        return True

    if kind == Kind.BIRTH:
        if required("name") and len(details["name"]) > NAME_MAX:
            problems["name"] = "too_long"
        if required("sex") and details["sex"] not in CATALOGUE.choice_list("sex").keys:
            problems["sex"] = "required"
        if required("relation") and details["relation"] not in BIRTH_RELATIONS:
            problems["relation"] = "required"
        elif "sex" not in problems and not relation_fits_sex(details["relation"], details["sex"]):
            problems["relation"] = "relation_sex"
        if (problem := check_event_date(details.get("dob"), today)) is not None:
            problems["dob"] = problem
    elif kind in (Kind.DEATH, Kind.MARRIAGE, Kind.DIVORCE):
        if required("member_id") and details["member_id"] not in member_ids:
            problems["member_id"] = "required"
        if (problem := check_event_date(details.get("date"), today)) is not None:
            problems["date"] = problem
    elif kind == Kind.MOVE:
        if required("tehsil") and tehsil_codes is not None and details["tehsil"] not in tehsil_codes:
            problems["tehsil"] = "required"
        if required("address") and len(details["address"]) > ADDRESS_MAX:
            problems["address"] = "too_long"
    elif kind == Kind.DISASTER:
        if required("damage") and details["damage"] not in DAMAGE:
            problems["damage"] = "required"
        if (problem := check_event_date(details.get("date"), today)) is not None:
            problems["date"] = problem
        if len(details.get("description") or "") > DESCRIPTION_MAX:
            problems["description"] = "too_long"
    elif kind == Kind.INCOME:
        income = details.get("monthly_income")
        if income is None:
            problems["monthly_income"] = "required"
        elif not isinstance(income, int) or isinstance(income, bool) or not 0 <= income <= INCOME_MAX:
            problems["monthly_income"] = "out_of_range"
    elif kind == Kind.CORRECTION:
        if required("section") and details["section"] not in CORRECTABLE_SECTIONS:
            problems["section"] = "required"
        if required("description") and len(details["description"]) > DESCRIPTION_MAX:
            problems["description"] = "too_long"
    return problems
