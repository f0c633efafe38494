"""The question catalogue: every question of the household questionnaire defined once, as data.

In the spirit of XLSForm, one entry per question: its stable key, section, type, choices, label and help,
range, whether it is required, when it is asked (skip rule) and the column that stores the answer. The
section forms, the review summary, the services' field lists, demo answers and exports are all made from
these entries, and later the scoring indicators and cross-checks look questions up here by key.

Labels, help texts and choice labels are English msgids marked with `N_` (a no-op that `pybabel extract`
finds); the Urdu is in translations/ur, and the web layer translates them when it renders. Plain Python:
no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a message for translation without translating it now: it is translated at render time."""
    return message


SECTIONS = ("consent", "members", "housing", "assets", "income", "review")
SECTION_TITLES = {
    "consent": N_("Consent and location"), "members": N_("Members"), "housing": N_("Housing"),
    "assets": N_("Assets"), "income": N_("Income and support"), "review": N_("Review and submit"),
}
HOUSEHOLDS, MEMBERS = "households", "household_members"  # the two tables that hold answers

MARITAL_MIN_AGE = 10  # marital status is asked from this age on
SCHOOL_AGES = range(4, 17)  # enrolment is asked for ages 4 to 16
MAX_AGE = 120


class QuestionType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    DATE = "date"  # a date of birth: not in the future, not more than MAX_AGE years ago
    CNIC = "cnic"  # a CNIC or B-form number, stored as 12345-1234567-1
    AREA = "area"  # an area of Punjab (the tehsil), chosen among the district's; stored as its id


@dataclass(frozen=True)
class Choice:
    key: str
    label: str  # English msgid


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.choices)

    def label(self, key: str) -> str | None:
        return next((c.label for c in self.choices if c.key == key), None)


def _choices(name: str, *pairs: tuple[str, str]) -> ChoiceList:
    return ChoiceList(name, tuple(Choice(key, label) for key, label in pairs))


@dataclass(frozen=True)
class AgeRule:
    """Skip logic as data: the question is asked of members whose age is within [age_from, age_to];
    `when_unknown` says whether it is asked while the age is not known yet."""

    age_from: int = 0
    age_to: int | None = None
    when_unknown: bool = False

    def applies(self, age: int | None) -> bool:
        if age is None:
            return self.when_unknown
        return age >= self.age_from and (self.age_to is None or age <= self.age_to)


@dataclass(frozen=True)
class Column:
    """Where an answer is stored, beyond what its type says: the column's name (the form field's name by
    default), a text width, fixed decimal places, NOT NULL with a default, an index. The models make the
    column from this (app/models/household.py); a migration adds it to the database."""

    name: str | None = None
    width: int | None = None
    digits: int = 8  # with `places`: a fixed-point number of this many digits
    places: int | None = None
    not_null: bool = False
    default: object = None
    index: bool = False


@dataclass(frozen=True)
class Question:
    key: str  # stable across versions: exports, scoring and cross-checks name questions by it
    section: str
    type: QuestionType
    label: str  # English msgid; Urdu in translations/ur
    help: str | None = None  # English msgid
    choices: str | None = None  # the name of a choice list, for choice and multi-choice questions
    minimum: float | None = None
    maximum: float | None = None
    decimal: bool = False
    max_length: int | None = None  # text
    multiline: bool = False  # text: several lines
    required: bool = False
    required_message: str | None = None  # instead of the general "Please answer this question."
    relevant: AgeRule | None = None  # None: always asked
    name: str | None = None  # the form field's name when it differs from the key
    column: Column = field(default_factory=Column)
    private: bool = False  # text the phone should not offer to autocomplete (a person's name)
    back_check: bool = False  # asked again, blind, at a back-check re-visit (see BACK_CHECK below)

    @property
    def field_name(self) -> str:
        return self.name or self.key

    @property
    def column_name(self) -> str:
        return self.column.name or self.field_name

    @property
    def table(self) -> str:
        return MEMBERS if self.section == "members" else HOUSEHOLDS

    def value_on(self, record):
        """The answer kept on a household or member record; for an area question, the area itself."""
        if self.type == QuestionType.AREA:
            return getattr(record, self.column_name.removesuffix("_id"), None)
        return getattr(record, self.column_name, None)


class Catalogue:
    """The questions in the order they are asked, with their choice lists; look-ups by key and section."""

    def __init__(self, questions: Iterable[Question], choice_lists: Iterable[ChoiceList]):
        self.questions: tuple[Question, ...] = tuple(questions)
        self.choice_lists: dict[str, ChoiceList] = {c.name: c for c in choice_lists}
        self._by_key = {q.key: q for q in self.questions}
        problems = self._problems()
        if problems:
            raise ValueError("question catalogue: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        problems = []
        if len(self._by_key) != len(self.questions):
            problems.append("a key is used twice")
        for section in SECTIONS:
            names = [q.field_name for q in self.section(section)]
            if len(set(names)) != len(names):
                problems.append(f"a field name is used twice in {section}")
        for table in (HOUSEHOLDS, MEMBERS):
            columns = [q.column_name for q in self if q.table == table]
            if len(set(columns)) != len(columns):
                problems.append(f"a column is used twice in {table}")
        for q in self:
            if q.section not in SECTIONS or q.section == "review":
                problems.append(f"{q.key}: no section {q.section!r}")
            if q.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE) and q.choices not in self.choice_lists:
                problems.append(f"{q.key}: no choice list {q.choices!r}")
            if q.relevant is not None and q.section != "members":
                problems.append(f"{q.key}: age rules apply to members only")
        return problems

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __getitem__(self, key: str) -> Question:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Question | None:
        return self._by_key.get(key)

    def section(self, name: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == name)

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections with questions of the household's own table (members have their own)."""
        return tuple(s for s in SECTIONS if any(q.section == s for q in self.questions) and s != "members")

    def choice_list(self, question: Question | str) -> ChoiceList:
        name = question.choices if isinstance(question, Question) else question
        return self.choice_lists[name]

    def section_columns(self) -> dict[str, tuple[str, ...]]:
        """The household columns each section writes."""
        return {s: tuple(q.column_name for q in self.section(s)) for s in self.sections}

    def member_columns(self) -> tuple[str, ...]:
        return tuple(q.column_name for q in self.section("members"))

    def adding(self, *questions: Question, choice_lists: Iterable[ChoiceList] = ()) -> Catalogue:
        """A copy with more questions, each placed at the end of its section."""
        ordered = [q for s in SECTIONS for q in (*self.section(s), *(n for n in questions if n.section == s))]
        return Catalogue(ordered, (*self.choice_lists.values(), *choice_lists))

    def replacing(self, key: str, **changes) -> Catalogue:
        return Catalogue((replace(q, **changes) if q.key == key else q for q in self), self.choice_lists.values())


CHOICE_LISTS = (
    _choices("relation", ("head", N_("Head of household")), ("spouse", N_("Wife / husband")), ("son", N_("Son")),
             ("daughter", N_("Daughter")), ("father", N_("Father")), ("mother", N_("Mother")),
             ("brother", N_("Brother")), ("sister", N_("Sister")), ("grandchild", N_("Grandchild")),
             ("son_in_law", N_("Son-in-law")), ("daughter_in_law", N_("Daughter-in-law")),
             ("other_relative", N_("Other relative")), ("non_relative", N_("Not related"))),
    _choices("sex", ("male", N_("Male")), ("female", N_("Female")), ("transgender", N_("Transgender"))),
    _choices("marital_status", ("never_married", N_("Never married")), ("married", N_("Married")),
             ("widowed", N_("Widowed")), ("divorced", N_("Divorced")), ("separated", N_("Separated"))),
    _choices("disability", ("none", N_("None")), ("upper_limb", N_("Arm or hand")), ("lower_limb", N_("Leg or foot")),
             ("visual", N_("Seeing")), ("hearing", N_("Hearing")), ("speech", N_("Speaking")),
             ("mental", N_("Mental or learning"))),
    _choices("education", ("none", N_("No schooling")), ("primary", N_("Primary (5 classes)")),
             ("middle", N_("Middle (8 classes)")), ("matric", N_("Matric")), ("intermediate", N_("Intermediate")),
             ("graduate", N_("Graduate")), ("postgraduate", N_("Postgraduate")),
             ("religious", N_("Religious education only"))),
    _choices("employment", ("employed", N_("Salaried job")), ("self_employed", N_("Own work or business")),
             ("daily_wage", N_("Daily wage labour")), ("unemployed", N_("Looking for work")), ("student", N_("Student")),
             ("housework", N_("Housework")), ("retired", N_("Retired")), ("unable", N_("Unable to work"))),
    _choices("tenure", ("owned", N_("Owned")), ("rented", N_("Rented")), ("rent_free", N_("Living free of rent")),
             ("other", N_("Other"))),
    _choices("roof", ("rcc", N_("Concrete (RCC)")), ("iron_sheet", N_("Iron or cement sheets")),
             ("wood_bamboo", N_("Wood or bamboo")), ("thatch_mud", N_("Straw, thatch or mud")), ("other", N_("Other"))),
    _choices("walls", ("burnt_brick", N_("Baked bricks or blocks")), ("mud_brick", N_("Mud bricks or mud")),
             ("stone", N_("Stone")), ("wood_bamboo", N_("Wood or bamboo")), ("other", N_("Other"))),
    _choices("toilet", ("flush_sewer", N_("Flush, to a sewer")), ("flush_pit", N_("Flush, to a pit or tank")),
             ("dry_pit", N_("Dry pit latrine")), ("shared", N_("Shared with other households")),
             ("none", N_("No toilet"))),
    _choices("water", ("piped", N_("Tap water")), ("hand_pump", N_("Hand pump")), ("motor_pump", N_("Motor pump")),
             ("well", N_("Well")), ("tanker", N_("Tanker")), ("river_pond", N_("River, canal or pond")),
             ("bottled", N_("Bottled or filtered water"))),
    _choices("electricity", ("grid", N_("Electricity from the grid")), ("solar", N_("Solar")),
             ("none", N_("No electricity"))),
    _choices("cooking_fuel", ("gas_pipeline", N_("Piped gas")), ("lpg", N_("LPG cylinder")), ("wood", N_("Wood")),
             ("dung_crop", N_("Dung cakes or crop waste")), ("kerosene", N_("Kerosene")),
             ("electricity", N_("Electricity"))),
    _choices("income_source", ("wages", N_("Daily or weekly wages")), ("salary", N_("Monthly salary")),
             ("agriculture", N_("Farming")), ("livestock", N_("Livestock")), ("business", N_("Own business or shop")),
             ("remittances", N_("Money from relatives abroad or in cities")), ("pension", N_("Pension")),
             ("support", N_("Government or charity support")), ("none", N_("No income"))),
    _choices("assets", ("fridge", N_("Refrigerator")), ("tv", N_("Television")), ("washing_machine", N_("Washing machine")),
             ("air_conditioner", N_("Air conditioner")), ("motorcycle", N_("Motorcycle")), ("car", N_("Car")),
             ("computer", N_("Computer or laptop")), ("smartphone", N_("Smartphone"))),
)

T = QuestionType
_CHOICE_COLUMN = Column(width=20)

QUESTIONS = (
    # 1. Consent and location.
    Question("consent_given", "consent", T.YES_NO, N_("Does the household agree to answer the questions?"),
             help=N_("Read out the purpose of the survey first. Nobody has to answer."), required=True),
    # Required once the household agrees (the consent form checks it); stored as the household's area.
    Question("tehsil", "consent", T.AREA, N_("Tehsil"), column=Column(name="area_id")),
    Question("union_council", "consent", T.TEXT, N_("Union council"), max_length=100),
    Question("village", "consent", T.TEXT, N_("Village or mohalla"), max_length=100),
    Question("address", "consent", T.TEXT, N_("Address"), max_length=300, multiline=True,
             help=N_("House number, street and a landmark, so the team can find the house again.")),
    Question("gps_lat", "consent", T.NUMBER, N_("Latitude"), decimal=True, minimum=27.5, maximum=34.5),
    Question("gps_lon", "consent", T.NUMBER, N_("Longitude"), decimal=True, minimum=69.0, maximum=75.5),
    Question("gps_accuracy_m", "consent", T.NUMBER, N_("Accuracy in metres"), decimal=True, minimum=0, maximum=100000),
    # 2. Members (one row of the member table per person).
    Question("name", "members", T.TEXT, N_("Name"), max_length=100, required=True,
             required_message=N_("Enter the name."), private=True,
             column=Column(not_null=True)),
    # NSER records it too: two children with the same name and birthday are told apart by their father's.
    Question("father_or_husband_name", "members", T.TEXT, N_("Father's or husband's name"), max_length=100,
             private=True),
    Question("relation", "members", T.CHOICE, N_("Relation to the head"), choices="relation", required=True,
             column=Column(width=20, not_null=True)),
    Question("sex", "members", T.CHOICE, N_("Sex"), choices="sex", required=True,
             column=Column(width=12, not_null=True)),
    Question("dob", "members", T.DATE, N_("Date of birth"),
             help=N_("As on the CNIC or B-form. If it is not known, give the age instead.")),
    Question("age_years", "members", T.NUMBER, N_("Age in years (if the date of birth is not known)"),
             minimum=0, maximum=MAX_AGE),
    Question("cnic", "members", T.CNIC, N_("CNIC or B-form number (if any)"), column=Column(index=True)),
    Question("marital_status", "members", T.CHOICE, N_("Marital status"), choices="marital_status", required=True,
             relevant=AgeRule(age_from=MARITAL_MIN_AGE, when_unknown=True), column=_CHOICE_COLUMN),
    Question("enrolled", "members", T.YES_NO, N_("Goes to school or college now?"), required=True,
             relevant=AgeRule(age_from=SCHOOL_AGES.start, age_to=SCHOOL_AGES.stop - 1)),
    Question("disability", "members", T.CHOICE, N_("Disability"), choices="disability", required=True,
             column=Column(width=20, not_null=True, default="none")),
    Question("chronic_illness", "members", T.YES_NO, N_("Long-term illness?"), required=True,
             help=N_("An illness that has lasted or will last three months or more, such as diabetes, "
                     "hepatitis or TB."),
             column=Column(not_null=True, default=False)),
    Question("can_read", "members", T.YES_NO, N_("Can read a simple sentence?"), required=True),
    Question("education", "members", T.CHOICE, N_("Highest education"), choices="education", required=True,
             column=_CHOICE_COLUMN),
    Question("occupation", "members", T.TEXT, N_("Occupation"), max_length=100),
    Question("employment", "members", T.CHOICE, N_("Work status"), choices="employment", required=True,
             column=_CHOICE_COLUMN),
    Question("own_income", "members", T.NUMBER, N_("Own income in a month (rupees)"), minimum=0,
             maximum=10_000_000, name="monthly_income"),
    # 3. Housing.
    Question("tenure", "housing", T.CHOICE, N_("Is the house owned or rented?"), choices="tenure", required=True,
             column=_CHOICE_COLUMN),
    Question("rooms", "housing", T.NUMBER, N_("Number of rooms (without kitchen and bathroom)"), minimum=1,
             maximum=50, required=True, help=N_("Count the rooms for living and sleeping only."), back_check=True),
    Question("roof", "housing", T.CHOICE, N_("Roof"), choices="roof", required=True, column=_CHOICE_COLUMN, back_check=True),
    Question("walls", "housing", T.CHOICE, N_("Walls"), choices="walls", required=True, column=_CHOICE_COLUMN, back_check=True),
    Question("toilet", "housing", T.CHOICE, N_("Toilet"), choices="toilet", required=True, column=_CHOICE_COLUMN, back_check=True),
    Question("water", "housing", T.CHOICE, N_("Drinking water"), choices="water", required=True,
             column=_CHOICE_COLUMN, back_check=True),
    Question("electricity", "housing", T.CHOICE, N_("Electricity"), choices="electricity", required=True,
             column=_CHOICE_COLUMN),
    Question("cooking_fuel", "housing", T.CHOICE, N_("Cooking fuel"), choices="cooking_fuel", required=True,
             column=_CHOICE_COLUMN),
    # 4. Assets.
    Question("assets", "assets", T.MULTI_CHOICE, N_("Which of these does the household have?"), choices="assets",
             help=N_("Only items that work and belong to the household.")),
    Question("land_acres", "assets", T.NUMBER, N_("Agricultural land (acres)"), decimal=True, minimum=0,
             maximum=10000, column=Column(places=2)),
    Question("cattle", "assets", T.NUMBER, N_("Cows"), minimum=0, maximum=1000),
    Question("buffalo", "assets", T.NUMBER, N_("Buffaloes"), minimum=0, maximum=1000),
    Question("goats_sheep", "assets", T.NUMBER, N_("Goats and sheep"), minimum=0, maximum=5000),
    # 5. Income and support.
    Question("main_income_source", "income", T.CHOICE, N_("Main source of income"), choices="income_source",
             required=True, column=_CHOICE_COLUMN),
    Question("monthly_income", "income", T.NUMBER, N_("Household income in a month (rupees)"), minimum=0,
             maximum=10_000_000, required=True, help=N_("All members together, from all sources.")),
    Question("has_bank_account", "income", T.YES_NO, N_("Does anyone have a bank or mobile account?"),
             required=True),
    Question("bisp_beneficiary", "income", T.YES_NO, N_("Does the household receive BISP (Benazir) support?"),
             required=True),
    Question("receives_remittances", "income", T.YES_NO,
             N_("Does the household receive money from relatives elsewhere?"), required=True),
)

CATALOGUE = Catalogue(QUESTIONS, CHOICE_LISTS)


# The back-check's short form: facts that stay true for weeks and that a second visitor can see or ask
# without judgement (a rooms count, the roof, walls, toilet and water source, the head's name and how many
# live there), so a disagreement points at the first visit rather than at a change. Income, assets, ages and
# health are left out: they change, are guessed, or are told differently to each visitor.
# The two roster facts have no column of their own: they are read from the submitted roster.
ROSTER_FACTS = (
    Question("head_name", "members", T.TEXT, N_("Name of the head of household"), max_length=100, required=True,
             required_message=N_("Enter the name."), private=True, back_check=True),
    Question("member_count", "members", T.NUMBER, N_("How many people live in this household?"), minimum=1,
             maximum=50, required=True, back_check=True),
)
BACK_CHECK = ROSTER_FACTS + tuple(q for q in CATALOGUE if q.back_check)
