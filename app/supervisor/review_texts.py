"""The review's words: flags in the reader's language, the reasons a decision was refused, and the
household's revisions side by side, labelled from the question catalogue as the questionnaire's review is."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain.catalogue import CATALOGUE
from ..i18n import current_language
from ..services.review import APPROVED, REASON_MAX, RETURNABLE_SECTIONS, RevisionView
from ..survey.answers import answer_text
from ..survey.choices import section_title

# How old a submission must be to be shown (days), for the queue's filter.
AGE_CHOICES = (1, 3, 7, 14, 30)

# What the cross-checks' flag codes are called in the queue's filter; a code not named here shows as itself.
FLAG_NAMES = {
    "cnic_in_other_household": _l("CNIC in another household"),
    "head_surveyed_elsewhere": _l("Head surveyed in another household"),
    "mobile_on_many_households": _l("One mobile on many households"),
    "cnic_twice_in_household": _l("CNIC twice in the household"),
    "cnic_sex_mismatch": _l("CNIC does not match the sex"),
    "cnic_outside_punjab": _l("CNIC from outside Punjab"),
    "relation_sex_mismatch": _l("Relation does not match the sex"),
    "spouse_same_sex_as_head": _l("Head and spouse of the same sex"),
    "child_older_than_parent": _l("Child older than a parent"),
    "parent_too_young": _l("Parent too young for the child"),
    "head_under_18": _l("Head under 18"),
    "married_under_legal_age": _l("Married under the legal age"),
    "too_many_members": _l("More than 15 members"),
    "income_low_for_assets": _l("Income low for the assets"),
    "income_high_for_housing": _l("Income high for the housing"),
    "income_below_members": _l("Income below the members' own"),
    "survey_too_fast": _l("Survey filled too fast"),
    "sections_too_fast": _l("Sections saved too fast"),
    "possible_duplicate_member": _l("Possible duplicate member"),
}

PROBLEMS = {
    "required": _l("Write the reason."),
    "too_long": _l("Please write at most %(max)d characters."),
    "unknown_section": _l("Choose a section of the questionnaire."),
}


def flag_name(code: str) -> str:
    name = FLAG_NAMES.get(code)
    return str(name) if name is not None else code


def flag_message(flag) -> str:
    """A flag's message as it was written when raised, in the reader's language."""
    return flag.message_ur if current_language() == "ur" and flag.message_ur else flag.message_en


def problem_message(code: str) -> str:
    message = PROBLEMS.get(code, PROBLEMS["required"])
    return str(message) % {"max": REASON_MAX} if code == "too_long" else str(message)


def change_reason(change) -> list[tuple[str | None, str]]:
    """What a supervisor (or the helpdesk) wrote for a move on the timeline, as (section title, text) lines:
    a return's reason per section, a rejection's or a reopening's reason, an approval's note. The write
    path's own words ("submitted") are not shown: the move's name says it."""
    reason, status = change.reason or "", change.to_status
    if status == "returned":
        lines = []
        for line in reason.splitlines():
            section, _sep, text = line.partition(": ")
            lines.append((section_title(section), text) if section in RETURNABLE_SECTIONS and text else (None, line))
        return lines
    if status == "rejected" or (status == "draft" and change.from_status == "verified") or \
            (status == "verified" and reason and reason != APPROVED):
        return [(None, reason)] if reason else []
    return []


@dataclass
class Compared:
    """The revisions side by side: their headings, then sections of rows (label, [(answer, changed)])."""

    revisions: list
    sections: list[tuple[str, str | None, list[tuple[str, list[tuple[str, bool]]]]]]  # title, person, rows


def compared_sections(views: list[RevisionView]) -> Compared:
    """The revisions' answers side by side; with one revision there is nothing to compare (its answers are
    the household's own, shown above), so no table is made."""
    if len(views) < 2:
        return Compared([v.revision for v in views], [])
    revisions = [v.revision for v in views]
    sections = []
    for section in CATALOGUE.sections:
        rows = []
        for question in CATALOGUE.section(section):
            cells = [(answer_text(question, question.value_on(v.record)), (None, question.column_name) in v.changed)
                     for v in views]
            rows.append((_(question.label), cells))
        sections.append((section_title(section), None, rows))
    # Members, matched across revisions by their record: one block per person, absent where not yet (or no
    # longer) in the household.
    order, seen = [], set()
    for view in views:
        for member in view.record.members:
            if member.id not in seen:
                seen.add(member.id)
                order.append(member.id)
    for member_id in order:
        present = [next((m for m in v.record.members if m.id == member_id), None) for v in views]
        latest = next(m for m in reversed(present) if m is not None)
        rows = []
        for question in CATALOGUE.section("members"):
            cells = []
            for view, member in zip(views, present):
                if member is None:
                    cells.append(("—", member_id in view.removed_members))
                else:
                    changed = (member_id, question.column_name) in view.changed or member_id in view.added_members
                    cells.append((answer_text(question, question.value_on(member)), changed))
            if any(text for text, _changed in cells if text != "—"):
                rows.append((_(question.label), cells))
        sections.append((section_title("members"), latest.name or "", rows))
    return Compared(revisions, sections)
