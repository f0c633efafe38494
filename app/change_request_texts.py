"""A change request as people read it, in their language: its kind, its state and its answers (a member
named by first name and relation only, an area by its name)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .domain.change_requests import State
from .i18n import current_language, when
from .models import Area, HouseholdMember
from .public.change_request_forms import DAMAGE_NAMES, KIND_NAMES
from .survey.choices import label_of, section_title

STATE_NAMES = {State.OPEN: _l("Received"), State.IN_PROGRESS: _l("Field visit planned"),
               State.APPLIED: _l("Applied: in review"), State.DECLINED: _l("Declined")}
LABELS = {"name": _l("Child's name"), "sex": _l("Sex"), "relation": _l("Relation to the head of household"),
          "dob": _l("Date of birth"), "member_id": _l("Which member"), "date": _l("Date"),
          "tehsil": _l("New tehsil"), "address": _l("New address"), "damage": _l("What was damaged"),
          "description": _l("Details"), "monthly_income": _l("Household income in a month now (rupees)"),
          "section": _l("Which part of the survey")}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def state_name(state: str) -> str:
    return str(STATE_NAMES.get(state, state))


def _value(session, name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name in ("dob", "date"):
        try:
            return when(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if name == "sex":
        return label_of("sex", value)
    if name == "relation":
        return label_of("relation", value)
    if name == "damage":
        return str(DAMAGE_NAMES.get(value, value))
    if name == "section":
        try:
            return section_title(value)
        except KeyError:
            return str(value)
    if name == "member_id":
        member = session.get(HouseholdMember, value) if isinstance(value, int) else None
        if member is None:
            return _("A member no longer on the roster")
        return f"{(member.name or '').split()[0] if member.name else ''} ({label_of('relation', member.relation)})"
    if name == "tehsil":
        from sqlalchemy import select

        area = session.scalars(select(Area).where(Area.code == value)).first()
        return area.name(current_language()) if area else str(value)
    return str(value)


def request_details(session, request) -> list[tuple[str, str]]:
    """(label, value) for each answer of the request, in the form's order."""
    return [(str(LABELS.get(name, name)), _value(session, name, value)) for name, value in (request.details or {}).items()]
