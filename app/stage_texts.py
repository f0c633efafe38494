"""What each stage of a household record is called and what the citizen does next, in plain words.

Jinja globals (`stage_name`, `next_step`), so every page and every htmx block can use them without imports."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STAGE_NAMES = {
    "unverified": _l("Mobile number not yet verified"),
    "registered": _l("Registered online"),
    "scheduled": _l("Survey planned for your area"),
    "draft": _l("Survey in progress"),
    "submitted": _l("Survey submitted, being checked"),
    "returned": _l("Survey returned for correction"),
    "verified": _l("Verified"),
    "rejected": _l("Not accepted"),
}
NEXT_STEPS = {
    "unverified": _l("Sign in with your CNIC and password and enter the code we sent by SMS. No code? You can ask for a new one there."),
    "registered": _l("Nothing to do now. A survey team will visit your area; we will send you an SMS before they come."),
    "scheduled": _l("Keep the CNICs and B-forms of your family ready for the survey team."),
    "draft": _l("The questionnaire has been started. It will be completed with you."),
    "submitted": _l("A supervisor is checking the survey. This usually takes a few days."),
    "returned": _l("Some answers need correcting. The enumerator will contact you."),
    "verified": _l("Your household is in the registry. You will hear about programmes you qualify for."),
    "rejected": _l("If you think this is a mistake, file a complaint and we will look at it again."),
}
UNKNOWN = _l("Unknown")


def stage_name(stage: str | None) -> str:
    return str(STAGE_NAMES.get(stage or "", UNKNOWN))


def next_step(stage: str | None) -> str:
    return str(NEXT_STEPS.get(stage or "", ""))


def init_stage_texts(app: Flask) -> None:
    app.jinja_env.globals.update(stage_name=stage_name, next_step=next_step)
