"""Answers as people read them: the review's summary of every answer, section by section and member by member,
made from the question catalogue and worded in the user's language."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..domain.catalogue import CATALOGUE, Catalogue, Question, QuestionType
from ..domain.questionnaire import age_on
from ..i18n import current_language, when
from .choices import label_of


def answer_text(question: Question, value, catalogue: Catalogue = CATALOGUE) -> str:
    """An answer as the summary shows it: the label of a choice, Yes or No, a list, a number or a date."""
    if value is None or value == "" or value == []:
        return ""
    kind = question.type
    if kind == QuestionType.CHOICE:
        return label_of(question.choices, value, catalogue)
    if kind == QuestionType.MULTI_CHOICE:
        separator = "، " if current_language() == "ur" else ", "
        return separator.join(label_of(question.choices, key, catalogue) for key in value)
    if kind == QuestionType.YES_NO:
        return _("Yes") if value in (True, "yes") else _("No")
    if kind == QuestionType.AREA:
        return value.name(current_language()) if hasattr(value, "name") else str(value)
    if kind == QuestionType.DATE and isinstance(value, date):
        return when(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def rows(record, questions, catalogue: Catalogue = CATALOGUE) -> list[tuple[str, str]]:
    return [(_(q.label), answer_text(q, q.value_on(record), catalogue)) for q in questions]


def summary(household, catalogue: Catalogue = CATALOGUE) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every answer of the household's own sections, in the catalogue's order."""
    return [(section, rows(household, catalogue.section(section), catalogue)) for section in catalogue.sections]


def members_summary(household, catalogue: Catalogue = CATALOGUE,
                    today: date | None = None) -> list[tuple[object, list[tuple[str, str]]]]:
    """Every answer of each member, leaving out the questions not asked at the member's age."""
    today = today or date.today()
    summaries = []
    for member in household.members:
        age = age_on(getattr(member, "dob", None), getattr(member, "age_years", None), today)
        asked = [q for q in catalogue.section("members") if q.relevant is None or q.relevant.applies(age)]
        summaries.append((member, rows(member, asked, catalogue)))
    return summaries
