"""Citizens' complaint forms: file, track, reopen, rate. Field names are part of the public interface."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from ..complaint_texts import CATEGORY_NAMES
from ..domain.complaints import CATEGORIES, TrackingNumberError, parse_tracking_number
from ..forms_common import CnicField, MobileField, strip_filter

TRACKING_MESSAGES = {
    "empty": _l("Enter the tracking number, for example PSER-C-2026-000123."),
    "shape": _l("A tracking number looks like PSER-C-2026-000123. Please check it."),
}


class TrackingNumberField(StringField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, render_kw={"dir": "ltr", "autocomplete": "off", "maxlength": 40,
                                                       "placeholder": "PSER-C-2026-000123"}, **kwargs)

    def pre_validate(self, form):
        try:
            self.data = parse_tracking_number(self.data)
        except TrackingNumberError as error:
            raise StopValidation(str(TRACKING_MESSAGES[error.code])) from None


class ComplaintForm(FlaskForm):
    cnic = CnicField(_l("CNIC number"))
    mobile = MobileField(_l("Mobile number"))
    category = SelectField(_l("What is the complaint about?"), validate_choice=False,
                           choices=[SelectChoice("", _l("Choose"))] + [SelectChoice(k, CATEGORY_NAMES[k]) for k in CATEGORIES])
    district = SelectField(_l("District"), validate_choice=False)
    description = TextAreaField(
        _l("Describe the problem"), filters=[strip_filter],
        validators=[InputRequired(message=_l("Please describe the problem.")),
                    Length(min=20, max=2000, message=_l("Please write between %(min)d and %(max)d characters."))],
        render_kw={"rows": 5, "maxlength": 2000})

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError(_l("Choose what the complaint is about."))

    def validate_district(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Choose your district."))


class TrackForm(FlaskForm):
    tracking_no = TrackingNumberField(_l("Tracking number"))
    cnic = CnicField(_l("CNIC number"))


class ReopenForm(FlaskForm):
    tracking_no = HiddenField()
    cnic = HiddenField()
    reason = TextAreaField(_l("Why are you not satisfied?"), filters=[strip_filter],
                           validators=[InputRequired(message=_l("Please tell us why you are reopening it.")),
                                       Length(min=10, max=1000, message=_l("Please write between %(min)d and %(max)d characters."))],
                           render_kw={"rows": 3, "maxlength": 1000})


class RateForm(FlaskForm):
    tracking_no = HiddenField()
    cnic = HiddenField()
    rating = RadioField(_l("How well was your complaint handled? (1 poor, 5 very good)"), validate_choice=False,
                        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)])

    def validate_rating(self, field):
        if field.data not in {"1", "2", "3", "4", "5"}:
            raise ValidationError(_l("Choose a rating from 1 to 5."))
