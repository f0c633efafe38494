"""What each answer of the questionnaire's choice lists is called, in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..domain import questionnaire as q

LABELS = {
    "relation": {"head": _l("Head of household"), "spouse": _l("Wife / husband"), "son": _l("Son"),
                 "daughter": _l("Daughter"), "father": _l("Father"), "mother": _l("Mother"), "brother": _l("Brother"),
                 "sister": _l("Sister"), "grandchild": _l("Grandchild"), "son_in_law": _l("Son-in-law"),
                 "daughter_in_law": _l("Daughter-in-law"), "other_relative": _l("Other relative"),
                 "non_relative": _l("Not related")},
    "sex": {"male": _l("Male"), "female": _l("Female"), "transgender": _l("Transgender")},
    "marital_status": {"never_married": _l("Never married"), "married": _l("Married"), "widowed": _l("Widowed"),
                       "divorced": _l("Divorced"), "separated": _l("Separated")},
    "disability": {"none": _l("None"), "upper_limb": _l("Arm or hand"), "lower_limb": _l("Leg or foot"),
                   "visual": _l("Seeing"), "hearing": _l("Hearing"), "speech": _l("Speaking"),
                   "mental": _l("Mental or learning")},
    "education": {"none": _l("No schooling"), "primary": _l("Primary (5 classes)"), "middle": _l("Middle (8 classes)"),
                  "matric": _l("Matric"), "intermediate": _l("Intermediate"), "graduate": _l("Graduate"),
                  "postgraduate": _l("Postgraduate"), "religious": _l("Religious education only")},
    "employment": {"employed": _l("Salaried job"), "self_employed": _l("Own work or business"),
                   "daily_wage": _l("Daily wage labour"), "unemployed": _l("Looking for work"),
                   "student": _l("Student"), "housework": _l("Housework"), "retired": _l("Retired"),
                   "unable": _l("Unable to work")},
    "tenure": {"owned": _l("Owned"), "rented": _l("Rented"), "rent_free": _l("Living free of rent"), "other": _l("Other")},
    "roof": {"rcc": _l("Concrete (RCC)"), "iron_sheet": _l("Iron or cement sheets"), "wood_bamboo": _l("Wood or bamboo"),
             "thatch_mud": _l("Straw, thatch or mud"), "other": _l("Other")},
    "walls": {"burnt_brick": _l("Baked bricks or blocks"), "mud_brick": _l("Mud bricks or mud"), "stone": _l("Stone"),
              "wood_bamboo": _l("Wood or bamboo"), "other": _l("Other")},
    "toilet": {"flush_sewer": _l("Flush, to a sewer"), "flush_pit": _l("Flush, to a pit or tank"),
               "dry_pit": _l("Dry pit latrine"), "shared": _l("Shared with other households"),
               "none": _l("No toilet")},
    "water": {"piped": _l("Tap water"), "hand_pump": _l("Hand pump"), "motor_pump": _l("Motor pump"), "well": _l("Well"),
              "tanker": _l("Tanker"), "river_pond": _l("River, canal or pond"), "bottled": _l("Bottled or filtered water")},
    "electricity": {"grid": _l("Electricity from the grid"), "solar": _l("Solar"), "none": _l("No electricity")},
    "cooking_fuel": {"gas_pipeline": _l("Piped gas"), "lpg": _l("LPG cylinder"), "wood": _l("Wood"),
                     "dung_crop": _l("Dung cakes or crop waste"), "kerosene": _l("Kerosene"), "electricity": _l("Electricity")},
    "main_income_source": {"wages": _l("Daily or weekly wages"), "salary": _l("Monthly salary"),
                           "agriculture": _l("Farming"), "livestock": _l("Livestock"), "business": _l("Own business or shop"),
                           "remittances": _l("Money from relatives abroad or in cities"), "pension": _l("Pension"),
                           "support": _l("Government or charity support"), "none": _l("No income")},
    "assets": {"fridge": _l("Refrigerator"), "tv": _l("Television"), "washing_machine": _l("Washing machine"),
               "air_conditioner": _l("Air conditioner"), "motorcycle": _l("Motorcycle"), "car": _l("Car"),
               "computer": _l("Computer or laptop"), "smartphone": _l("Smartphone")},
}
KEYS = {"relation": q.RELATIONS, "sex": q.SEXES, "marital_status": q.MARITAL, "disability": q.DISABILITIES,
        "education": q.EDUCATION, "employment": q.EMPLOYMENT, "tenure": q.TENURE, "roof": q.ROOF, "walls": q.WALLS,
        "toilet": q.TOILET, "water": q.WATER, "electricity": q.ELECTRICITY, "cooking_fuel": q.COOKING_FUEL,
        "main_income_source": q.INCOME_SOURCES, "assets": q.ASSETS}
CHOOSE = _l("Choose")


def choices(name: str, *, blank: bool = True) -> list[SelectChoice]:
    options = [SelectChoice(key, LABELS[name][key]) for key in KEYS[name]]
    return ([SelectChoice("", CHOOSE)] if blank else []) + options


def label_of(name: str, key) -> str:
    if key is None or key == "":
        return ""
    return str(LABELS.get(name, {}).get(key, key))

PROBLEMS = {
    "not_saved": _l("This section has not been saved yet."),
    "no_consent": _l("The household did not agree to the survey, so it cannot be submitted."),
    "no_members": _l("Add the members of the household, starting with the head."),
    "no_head": _l("One member must be the head of the household."),
    "two_heads": _l("Only one member can be the head of the household."),
    "head_minor": _l("The head is younger than 18. Please check the age, or confirm it is right."),
    "cnic_twice": _l("This CNIC or B-form number is given for two members."),
    "dob_future": _l("The date of birth is in the future."),
    "age_missing": _l("The date of birth or the age is missing."),
    "child_not_younger": _l("This child is not much younger than the parents. Please check the ages."),
    "relation_sex": _l("The relation does not fit the sex (a son is male, a daughter female). Please check both."),
}


def problem_text(code: str) -> str:
    return str(PROBLEMS.get(code, code))
