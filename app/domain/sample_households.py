"""Believable households for demo data, tests and load runs: answers to every question of the catalogue and a
consistent family (a head; a spouse of the other sex; sons and daughters, parents, brothers and sisters whose
relation fits their sex; children at least 16 years younger than their parents), passing the questionnaire's
own rules. Plain Python: the caller stores the answers and chooses the household's tehsil."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .catalogue import CATALOGUE, HOUSEHOLDS, MEMBERS, Catalogue, Question, QuestionType
from .cnic import cnic_facts
from .questionnaire import age_on

MALE_NAMES = ("Muhammad", "Ali", "Usman", "Bilal", "Kashif", "Asif", "Imran", "Tariq", "Hamza", "Zubair", "Akram",
              "Naveed", "Shahid", "Rashid", "Faisal", "Adeel")
FEMALE_NAMES = ("Fatima", "Zainab", "Hira", "Nadia", "Rubina", "Shazia", "Ayesha", "Sana", "Razia", "Bushra",
                "Samina", "Kiran", "Amna", "Maryam", "Saima", "Nasreen")
FAMILY_NAMES = ("Khan", "Ahmed", "Butt", "Chaudhry", "Malik", "Qureshi", "Sheikh", "Awan", "Rana", "Bhatti", "Gill",
                "Javed")
OCCUPATIONS = ("ڈرائیور", "درزی", "کسان", "مزدور", "دکاندار", "استاد", "مستری", "چوکیدار")  # as typed in the field
VILLAGES = ("موضع رکھ", "محلہ اسلام پورہ", "چک 45", "بستی نور", "محلہ غریب آباد", "گاؤں کوٹلی")
EARNING = ("employed", "self_employed", "daily_wage")


@dataclass
class SampleHousehold:
    """Answers keyed by column: `household` for the households table (the tehsil is the caller's), and one
    dict per member, head first."""

    household: dict[str, object] = field(default_factory=dict)
    members: list[dict[str, object]] = field(default_factory=list)


def person_name(rng: random.Random, sex: str, family: str | None = None) -> str:
    first = rng.choice(FEMALE_NAMES if sex == "female" else MALE_NAMES)
    return f"{first} {family or rng.choice(FAMILY_NAMES)}"


def random_cnic(rng: random.Random, sex: str) -> str:
    """A Punjab CNIC (or B-form) whose last digit's parity is the holder's sex: odd male, even female."""
    last = rng.choice((1, 3, 5, 7, 9) if sex == "male" else (0, 2, 4, 6, 8))
    return f"3{rng.randrange(10**4):04d}-{rng.randrange(10**7):07d}-{last}"


def _birth_date(rng: random.Random, age: int, today: date) -> date:
    """A date of birth that makes the member `age` on `today`."""
    try:
        birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        birthday = date(today.year - age, 2, 28)
    born = birthday - timedelta(days=rng.randrange(0, 365))
    return born if age_on(born, None, today) == age else birthday


def _generic_answer(rng: random.Random, question: Question, catalogue: Catalogue, today: date):
    """Some valid answer to any question, so that a question added to the catalogue has demo answers too."""
    kind = question.type
    if kind == QuestionType.CHOICE:
        return rng.choice(catalogue.choice_list(question).keys)
    if kind == QuestionType.MULTI_CHOICE:
        keys = catalogue.choice_list(question).keys
        return rng.sample(keys, rng.randrange(0, len(keys) + 1))
    if kind == QuestionType.YES_NO:
        return rng.random() < 0.5
    if kind == QuestionType.NUMBER:
        low = question.minimum if question.minimum is not None else 0
        high = min(question.maximum if question.maximum is not None else low + 10, low + 10)
        return round(rng.uniform(low, high), 2) if question.decimal else rng.randint(int(low), int(high))
    if kind == QuestionType.TEXT:
        return "نمونہ"[: question.max_length or None]
    if kind == QuestionType.DATE:
        return today - timedelta(days=rng.randrange(1, 3650))
    return None  # a CNIC is optional; an area is the caller's


@dataclass
class _Person:
    relation: str
    sex: str
    age: int


def _family(rng: random.Random, head_sex: str) -> list[_Person]:
    head_age = rng.randrange(22, 75)
    people = [_Person("head", head_sex, head_age)]
    parents = [head_age]
    if head_sex != "transgender" and rng.random() < 0.8:
        spouse_age = max(18, head_age + (rng.randrange(-10, 3) if head_sex == "male" else rng.randrange(-2, 10)))
        people.append(_Person("spouse", "female" if head_sex == "male" else "male", spouse_age))
        parents.append(spouse_age)
    # Children at least 16 years younger than the younger parent (the cross-checks ask for 12).
    oldest_child = min(min(parents) - 16, 35)
    for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6)) if oldest_child >= 0 else 0):
        sex = rng.choice(("male", "female"))
        people.append(_Person("son" if sex == "male" else "daughter", sex, rng.randrange(0, oldest_child + 1)))
    if head_age <= 55 and rng.random() < 0.25:  # a widowed parent of the head lives with them
        sex = rng.choice(("male", "female"))
        people.append(_Person("father" if sex == "male" else "mother", sex,
                              min(head_age + rng.randrange(18, 36), 100)))
    if head_age <= 35 and rng.random() < 0.2:
        sex = rng.choice(("male", "female"))
        people.append(_Person("brother" if sex == "male" else "sister", sex,
                              max(0, head_age + rng.randrange(-8, 9))))
    return people


def _education(rng: random.Random, age: int) -> str:
    if age < 5:
        return "none"
    ladder = ("none", "primary", "middle", "matric", "intermediate", "graduate", "postgraduate")
    reachable = 1 + sum(age >= a for a in (10, 13, 15, 17, 20, 22))  # how far school could have gone by now
    return rng.choice(ladder[:reachable] + ("none",))


def _member(rng: random.Random, person: _Person, today: date, name: str, cnic: str | None) -> dict[str, object]:
    age, sex = person.age, person.sex
    adult, school_age = age >= 18, 4 <= age <= 16
    enrolled = (rng.random() < 0.75) if school_age else None
    if person.relation in ("head", "spouse"):  # a head without a spouse: settled by the caller
        marital = "married"
    elif person.relation in ("father", "mother"):
        marital = "widowed"
    else:
        marital = "never_married" if age >= 10 else None
    if enrolled:
        employment = "student"
    elif age < 10:
        employment = "unable"
    elif not adult:
        employment = rng.choice(("housework", "daily_wage", "unable"))
    elif age >= 65:
        employment = rng.choice(("retired", "unable", "housework"))
    elif sex == "female" and person.relation in ("spouse", "mother", "sister", "daughter"):
        employment = rng.choice(("housework", "housework", "self_employed", "employed"))
    else:
        employment = rng.choice(EARNING + ("unemployed",))
    earns = employment in EARNING
    education = _education(rng, age)
    return {
        "name": name,
        "father_or_husband_name": None,  # named once the whole family is known (_name_fathers_and_husbands)
        "relation": person.relation,
        "sex": sex,
        "dob": _birth_date(rng, age, today) if cnic and rng.random() < 0.8 else None,
        "age_years": age,
        "cnic": cnic,
        "marital_status": marital,
        "enrolled": enrolled,
        "disability": "none" if rng.random() < 0.95 else rng.choice(("upper_limb", "lower_limb", "visual", "hearing")),
        "chronic_illness": rng.random() < (0.3 if age >= 50 else 0.04),
        "can_read": age >= 6 and (education != "none" or rng.random() < 0.2),
        "education": education,
        "occupation": rng.choice(OCCUPATIONS) if earns else None,
        "employment": employment,
        "monthly_income": rng.randrange(10, 120) * 1000 if earns else None,
    }


def _name_fathers_and_husbands(rng: random.Random, people: list[_Person], members: list[dict], family: str) -> None:
    """Each member's father's or husband's name, as NSER records it: a wife her husband's, everyone else
    their father's. The head's children name the head or the head's husband; the head's brothers and sisters
    name the head's father."""
    head = members[0]
    spouse = next((m for p, m in zip(people, members) if p.relation == "spouse"), None)
    head_father = next((m["name"] for p, m in zip(people, members) if p.relation == "father"),
                       person_name(rng, "male", family))
    children_father = head["name"] if people[0].sex == "male" else (spouse["name"] if spouse else
                                                                    person_name(rng, "male", family))
    for person, member in zip(people, members):
        if person.relation == "head":
            named = spouse["name"] if spouse and person.sex == "female" else head_father
        elif person.relation == "spouse":
            named = head["name"] if person.sex == "female" else person_name(rng, "male")
        elif person.relation in ("son", "daughter"):
            named = children_father
        elif person.relation in ("brother", "sister"):
            named = head_father
        elif person.relation == "mother":
            named = head_father  # a widowed mother: her late husband
        else:  # the head's father: the head's grandfather
            named = person_name(rng, "male", family)
        member["father_or_husband_name"] = named


def sample_household(rng: random.Random, *, today: date | None = None, head_cnic: str | None = None,
                     head_name: str | None = None, new_cnic: Callable[[str], str] | None = None,
                     catalogue: Catalogue = CATALOGUE) -> SampleHousehold:
    """Valid answers for one household. The head's sex follows the parity of `head_cnic` when given;
    `new_cnic(sex)` gives each other adult a CNIC (pass one that knows the CNICs already used; by default a
    random one of the right parity)."""
    today = today or date.today()
    new_cnic = new_cnic or (lambda sex: random_cnic(rng, sex))
    head_sex = cnic_facts(head_cnic).sex if head_cnic else ("male" if rng.random() < 0.85 else "female")
    family = head_name.split()[-1] if head_name else rng.choice(FAMILY_NAMES)
    people = _family(rng, head_sex)
    members = []
    used = {head_cnic} if head_cnic else set()

    def unused_cnic(sex: str) -> str:
        while (cnic := new_cnic(sex)) in used:
            pass
        used.add(cnic)
        return cnic

    for person in people:
        if person.relation == "head":
            name, cnic = head_name or person_name(rng, head_sex, family), head_cnic or unused_cnic(head_sex)
        else:
            # Adults have a CNIC; some children a B-form number.
            has_cnic = person.age >= 18 or rng.random() < 0.4
            name, cnic = person_name(rng, person.sex, family), unused_cnic(person.sex) if has_cnic else None
        members.append(_member(rng, person, today, name, cnic))
    _name_fathers_and_husbands(rng, people, members, family)
    has_spouse = any(p.relation == "spouse" for p in people)
    members[0]["marital_status"] = "married" if has_spouse else rng.choice(("widowed", "divorced", "never_married"))
    for member in members:
        if member["dob"] is not None:
            member["age_years"] = None  # the date of birth is known: no stated age

    earned = sum(m["monthly_income"] or 0 for m in members)
    remittances = rng.random() < 0.12
    income = earned + (rng.randrange(10, 60) * 1000 if remittances else 0)
    livestock = rng.random() < 0.3
    household = {
        "consent_given": True,
        "union_council": f"UC {rng.randrange(1, 150)}",
        "village": rng.choice(VILLAGES),
        "address": f"مکان {rng.randrange(1, 400)}، گلی {rng.randrange(1, 30)}",
        "gps_lat": round(rng.uniform(28.0, 33.9), 6) if rng.random() < 0.6 else None,
        "gps_lon": round(rng.uniform(69.5, 75.3), 6),
        "gps_accuracy_m": float(rng.randrange(3, 60)),
        "tenure": rng.choice(("owned", "owned", "owned", "rented", "rent_free")),
        "rooms": rng.randrange(1, max(2, min(8, len(members))) + 1),
        "roof": rng.choice(("rcc", "rcc", "iron_sheet", "wood_bamboo", "thatch_mud")),
        "walls": rng.choice(("burnt_brick", "burnt_brick", "mud_brick", "stone")),
        "toilet": rng.choice(("flush_sewer", "flush_pit", "flush_pit", "dry_pit", "shared", "none")),
        "water": rng.choice(("piped", "hand_pump", "hand_pump", "motor_pump", "well", "bottled")),
        "electricity": rng.choice(("grid", "grid", "grid", "solar", "none")),
        "cooking_fuel": rng.choice(("gas_pipeline", "lpg", "wood", "wood", "dung_crop")),
        "assets": sorted(rng.sample(("fridge", "tv", "motorcycle", "smartphone", "washing_machine"),
                                    rng.randrange(0, 5))),
        "land_acres": round(rng.choice((0, 0, 0, 0.5, 1, 2.5, 5, 12.5)), 2),
        "cattle": rng.randrange(0, 4) if livestock else 0,
        "buffalo": rng.randrange(0, 3) if livestock else 0,
        "goats_sheep": rng.randrange(0, 8) if livestock else 0,
        "main_income_source": ("none" if income == 0 else "remittances" if remittances and earned == 0
                               else rng.choice(("wages", "wages", "salary", "agriculture", "business"))),
        "monthly_income": income,
        "has_bank_account": rng.random() < 0.45,
        "bisp_beneficiary": rng.random() < 0.3,
        "receives_remittances": remittances,
    }
    if household["gps_lat"] is None:
        household["gps_lon"] = household["gps_accuracy_m"] = None
    return SampleHousehold(_complete(rng, household, HOUSEHOLDS, catalogue, today),
                           [_complete(rng, m, MEMBERS, catalogue, today) for m in members])


def _complete(rng: random.Random, answers: dict, table: str, catalogue: Catalogue, today: date) -> dict:
    """Only the catalogue's columns, each answered: a generic answer for a question this module does not
    know yet; nothing for one that a member's age leaves out."""
    complete = {}
    for question in catalogue:
        if question.table != table or question.type == QuestionType.AREA:
            continue
        column = question.column_name
        value = answers[column] if column in answers else _generic_answer(rng, question, catalogue, today)
        if question.relevant is not None:
            age = age_on(answers.get("dob"), answers.get("age_years"), today)
            if not question.relevant.applies(age):
                value = None
            elif value is None and question.required:
                value = _generic_answer(rng, question, catalogue, today)
        complete[column] = value
    return complete

