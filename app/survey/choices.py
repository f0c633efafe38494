"""The questionnaire in the user's language: questions, choices and problems, translated from the catalogue's
English msgids when a page is rendered."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..domain.catalogue import CATALOGUE, SECTION_TITLES, Catalogue, ChoiceList

CHOOSE = _l("Choose")


def _choice_list(name: str, catalogue: Catalogue) -> ChoiceList | None:
    """A choice list by its name, or the list of the question with that key or field name."""
    if name in catalogue.choice_lists:
        return catalogue.choice_lists[name]
    question = catalogue.get(name) or next((q for q in catalogue if q.field_name == name and q.choices), None)
    return catalogue.choice_lists.get(question.choices) if question is not None and question.choices else None


def choices(name: str, *, blank: bool = True, catalogue: Catalogue = CATALOGUE) -> list[SelectChoice]:
    options = [SelectChoice(c.key, _l(c.label)) for c in catalogue.choice_lists[name].choices]
    return ([SelectChoice("", CHOOSE)] if blank else []) + options


def label_of(name: str, key, catalogue: Catalogue = CATALOGUE) -> str:
    """What the answer `key` of a choice list (or of the question `name`) is called in the user's language."""
    if key is None or key == "":
        return ""
    found = _choice_list(name, catalogue)
    label = found.label(key) if found is not None else None
    return _(label) if label else str(key)


def section_title(section: str) -> str:
    return _(SECTION_TITLES[section])


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
