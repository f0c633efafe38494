"""What complaint categories and states are called, in the user's language; Jinja globals for every page."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

CATEGORY_NAMES = {
    "not_surveyed": _l("My household was not surveyed"),
    "wrong_information": _l("My information is wrong"),
    "score_dispute": _l("I disagree with my eligibility or score"),
    "benefit_not_received": _l("I did not receive a programme benefit"),
    "enumerator_conduct": _l("Conduct of an enumerator"),
    "privacy": _l("Privacy of my information"),
    "other": _l("Something else"),
}
STATE_NAMES = {
    "new": _l("Received"),
    "assigned": _l("With an officer"),
    "in_progress": _l("Being worked on"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
}
EVENT_NAMES = {
    "filed": _l("Complaint received"),
    "assigned": _l("Given to an officer"),
    "reply": _l("Reply"),
    "note": _l("Internal note"),
    "escalated": _l("Escalated past its deadline"),
    "linked": _l("Linked to another complaint"),
    "resurvey": _l("A new survey visit was requested"),
    "contact": _l("Contact details corrected"),
    "rated": _l("Rated"),
}


def complaint_category(key: str | None) -> str:
    return str(CATEGORY_NAMES.get(key or "", key or ""))


def complaint_state(key: str | None) -> str:
    return str(STATE_NAMES.get(key or "", key or ""))


def complaint_event(key: str | None) -> str:
    return str(EVENT_NAMES.get(key or "", key or ""))


def init_complaint_texts(app: Flask) -> None:
    app.jinja_env.globals.update(complaint_category=complaint_category, complaint_state=complaint_state,
                                 complaint_event=complaint_event)
