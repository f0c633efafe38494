"""The helpdesk's forms: queue filters, actions on a complaint, and the citizen look-up."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms_common import CnicField, MobileField, strip_filter
from ..public.complaint_forms import TrackingNumberField

TEXT_LIMIT = Length(max=2000, message=_l("Please write between %(min)d and %(max)d characters."))


class AssignForm(FlaskForm):
    agent = SelectField(_l("Give to"), validate_choice=False)


class StateForm(FlaskForm):
    target = SelectField(_l("New state"), validate_choice=False)
    resolution = TextAreaField(_l("Resolution or reason (the citizen reads this)"), [Optional(), TEXT_LIMIT],
                         filters=[strip_filter], render_kw={"rows": 3, "maxlength": 2000})


class MessageForm(FlaskForm):
    message = TextAreaField(_l("Message"), [InputRequired(message=_l("Write the message.")), TEXT_LIMIT],
                         filters=[strip_filter], render_kw={"rows": 3, "maxlength": 2000})
    public = BooleanField(_l("Public reply: the citizen sees it and gets an SMS"))


class ResurveyForm(FlaskForm):
    reason = StringField(_l("Why a new visit is needed"), [InputRequired(message=_l("Write the reason.")),
                                                             Length(max=300, message=TEXT_LIMIT.message)],
                         filters=[strip_filter], render_kw={"maxlength": 300})


class ContactForm(FlaskForm):
    mobile = MobileField(_l("Correct mobile number"))


class LinkForm(FlaskForm):
    tracking_no = TrackingNumberField(_l("Tracking number of the earlier complaint"))


class LookupForm(FlaskForm):
    cnic = CnicField(_l("CNIC number"))
    reason = StringField(_l("Reason for looking (recorded)"),
                         [InputRequired(message=_l("Write why you are looking this citizen up.")),
                          Length(min=5, max=300, message=_l("Please write between %(min)d and %(max)d characters."))],
                         filters=[strip_filter], render_kw={"maxlength": 300})


class ReleaseForm(FlaskForm):
    """Frees a CNIC held by an unverified account, for the owner who called."""

    cnic = CnicField(_l("CNIC number"))
    reason = StringField(_l("Why the CNIC is released (recorded)"),
                         [InputRequired(message=_l("Write why you release this CNIC.")),
                          Length(min=5, max=300, message=_l("Please write between %(min)d and %(max)d characters."))],
                         filters=[strip_filter], render_kw={"maxlength": 300})
