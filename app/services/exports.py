"""Exports of households and their members: the columns and the rows, made from the question catalogue.

Answers are written as codes (choice keys, `yes`/`no`, ISO dates, the tehsil's area code), as survey exports
usually are, so that a file reads the same in any language; a multi-choice answer is its keys separated by
spaces (as ODK and Kobo export them)."""
from __future__ import annotations

from datetime import date

from ..domain.catalogue import CATALOGUE, HOUSEHOLDS, Catalogue, Question, QuestionType

HOUSEHOLD_FIELDS = ("household_id", "status", "head_cnic")  # the record's own, before the answers
MEMBER_FIELDS = ("household_id", "position")


def export_value(question: Question, value):
    if value is None:
        return None
    kind = question.type
    if kind == QuestionType.YES_NO:
        return "yes" if value else "no"
    if kind == QuestionType.MULTI_CHOICE:
        return " ".join(value)
    if kind == QuestionType.DATE and isinstance(value, date):
        return value.isoformat()
    if kind == QuestionType.AREA:
        return getattr(value, "code", value)
    return value


def household_columns(catalogue: Catalogue = CATALOGUE) -> tuple[str, ...]:
    return HOUSEHOLD_FIELDS + tuple(q.key for q in catalogue if q.table == HOUSEHOLDS)


def household_row(household, catalogue: Catalogue = CATALOGUE) -> dict:
    """One household's row, keyed by `household_columns()`."""
    row = {"household_id": household.id, "status": str(household.status), "head_cnic": household.head_cnic}
    row.update({q.key: export_value(q, q.value_on(household)) for q in catalogue if q.table == HOUSEHOLDS})
    return row


def member_columns(catalogue: Catalogue = CATALOGUE) -> tuple[str, ...]:
    return MEMBER_FIELDS + tuple(q.key for q in catalogue.section("members"))


def member_rows(household, catalogue: Catalogue = CATALOGUE) -> list[dict]:
    """One row per member of the household, keyed by `member_columns()`."""
    return [{"household_id": household.id, "position": member.position,
             **{q.key: export_value(q, q.value_on(member)) for q in catalogue.section("members")}}
            for member in household.members]
