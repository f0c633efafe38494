"""Forms of the questionnaire's sections. Numbers and dates accept Urdu digits; every message is translated."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.numerals import to_latin_digits
from ..domain.questionnaire import MAX_AGE
from ..forms_common import CnicField, strip_filter
from .choices import choices

REQUIRED = _l("Please answer this question.")


class VersionedForm(FlaskForm):
    """Every save names the version of the household it was made from, and carries a one-time key."""

    version = HiddenField()
    idempotency_key = HiddenField()

    def expected_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class NumberField(Field):
    """A whole or decimal number typed in Latin or Urdu digits, within a range."""

    widget_type = "text"

    def __init__(self, label=None, validators=None, *, minimum=0, maximum=None, decimal=False, **kwargs):
        render_kw = {"inputmode": "decimal" if decimal else "numeric", "dir": "ltr", "maxlength": 12,
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.minimum, self.maximum, self.decimal = minimum, maximum, decimal
        self.raw = ""

    def __call__(self, **kwargs):
        from markupsafe import Markup, escape

        attrs = {**self.render_kw, **kwargs}
        rendered = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items() if v is not True and v is not None)
        flags = " ".join(k for k, v in attrs.items() if v is True)
        return Markup(f'<input type="text" id="{self.id}" name="{self.name}" value="{escape(self._value())}" {rendered} {flags}>')

    def _value(self):
        if self.raw:
            return self.raw
        if self.data is None:
            return ""
        return f"{self.data:g}" if isinstance(self.data, float) else str(self.data)

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()[:20]
        text = to_latin_digits(self.raw).replace(",", "").replace("٫", ".")
        if not text:
            self.data = None
            return
        # Plain digits with an optional decimal part: no exponents, no NaN or infinity, nothing Python
        # would accept but a person would not have meant.
        pattern = r"-?\d{1,9}(\.\d{1,6})?" if self.decimal else r"-?\d{1,9}"
        if not re.fullmatch(pattern, text):
            self.data = None
            raise ValueError(_l("Enter a number, for example 3.") if not self.decimal else _l("Enter a number, for example 2.5."))
        self.data = float(text) if self.decimal else int(text)

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.data < self.minimum or (self.maximum is not None and self.data > self.maximum):
            raise ValidationError(_l("Enter a number from %(min)s to %(max)s.", min=self.minimum, max=self.maximum))


class DateOfBirthField(StringField):
    """A date as the phone's date picker sends it (YYYY-MM-DD), or typed as DD/MM/YYYY, in any digits."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, render_kw={"type": "date", "dir": "ltr", "max": date.today().isoformat()},
                         **kwargs)

    def _value(self):
        return self.raw_data[0] if self.raw_data else (self.data.isoformat() if isinstance(self.data, date) else "")

    def process_formdata(self, valuelist):
        text = to_latin_digits((valuelist[0] if valuelist else "").strip())
        if not text:
            self.data = None
            return
        try:
            if "/" in text or (text.count("-") == 2 and len(text.split("-")[0]) <= 2):
                day, month, year = (int(p) for p in text.replace("-", "/").split("/"))
            else:
                year, month, day = (int(p) for p in text.split("-"))
            self.data = date(year, month, day)
        except (ValueError, TypeError):
            self.data = None
            raise ValueError(_l("Enter the date as day/month/year, for example 14/08/1990.")) from None

    def pre_validate(self, form):
        if self.data is not None:
            if self.data > date.today():
                raise ValidationError(_l("The date of birth cannot be in the future."))
            if self.data.year < date.today().year - MAX_AGE:
                raise ValidationError(_l("Please check the year of birth."))


class YesNoField(RadioField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                         validate_choice=False, **kwargs)

    def process_data(self, value):
        self.data = {True: "yes", False: "no"}.get(value, value)

    def pre_validate(self, form):
        if self.data not in (None, "", "yes", "no"):
            raise ValidationError(REQUIRED)

    @property
    def value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.data)


class ChoiceField(SelectField):
    def __init__(self, label=None, validators=None, *, options=None, **kwargs):
        super().__init__(label, validators, choices=choices(options), validate_choice=False, **kwargs)
        self.options = options

    def pre_validate(self, form):
        keys = [c.value for c in self.choices]
        if self.data not in keys:
            raise ValidationError(REQUIRED)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, *, options=None, **kwargs):
        super().__init__(label, validators, choices=choices(options, blank=False), validate_choice=False, **kwargs)

    def pre_validate(self, form):
        keys = {c.value for c in self.choices}
        self.data = [v for v in (self.data or []) if v in keys]


def required():
    return [InputRequired(message=REQUIRED)]


class ConsentForm(VersionedForm):
    consent_given = YesNoField(_l("Does the household agree to answer the questions?"), required())
    tehsil = SelectField(_l("Tehsil"), validate_choice=False)
    union_council = StringField(_l("Union council"), [Optional(), Length(max=100, message=_l("At most %(max)d characters."))],
                                filters=[strip_filter], render_kw={"maxlength": 100})
    village = StringField(_l("Village or mohalla"), [Optional(), Length(max=100, message=_l("At most %(max)d characters."))],
                          filters=[strip_filter], render_kw={"maxlength": 100})
    address = TextAreaField(_l("Address"), [Optional(), Length(max=300, message=_l("At most %(max)d characters."))],
                            filters=[strip_filter], render_kw={"maxlength": 300, "rows": 2})
    gps_lat = NumberField(_l("Latitude"), decimal=True, minimum=27.5, maximum=34.5)
    gps_lon = NumberField(_l("Longitude"), decimal=True, minimum=69.0, maximum=75.5)
    gps_accuracy_m = NumberField(_l("Accuracy in metres"), decimal=True, minimum=0, maximum=100000)

    def validate_tehsil(self, field):
        if self.consent_given.value and field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Choose the tehsil."))


class HousingForm(VersionedForm):
    tenure = ChoiceField(_l("Is the house owned or rented?"), options="tenure")
    rooms = NumberField(_l("Number of rooms (without kitchen and bathroom)"), required(), minimum=1, maximum=50)
    roof = ChoiceField(_l("Roof"), options="roof")
    walls = ChoiceField(_l("Walls"), options="walls")
    toilet = ChoiceField(_l("Toilet"), options="toilet")
    water = ChoiceField(_l("Drinking water"), options="water")
    electricity = ChoiceField(_l("Electricity"), options="electricity")
    cooking_fuel = ChoiceField(_l("Cooking fuel"), options="cooking_fuel")


class AssetsForm(VersionedForm):
    assets = CheckboxesField(_l("Which of these does the household have?"), options="assets")
    land_acres = NumberField(_l("Agricultural land (acres)"), decimal=True, minimum=0, maximum=10000)
    cattle = NumberField(_l("Cows"), minimum=0, maximum=1000)
    buffalo = NumberField(_l("Buffaloes"), minimum=0, maximum=1000)
    goats_sheep = NumberField(_l("Goats and sheep"), minimum=0, maximum=5000)


class IncomeForm(VersionedForm):
    main_income_source = ChoiceField(_l("Main source of income"), options="main_income_source")
    monthly_income = NumberField(_l("Household income in a month (rupees)"), required(), minimum=0, maximum=10_000_000)
    has_bank_account = YesNoField(_l("Does anyone have a bank or mobile account?"), required())
    bisp_beneficiary = YesNoField(_l("Does the household receive BISP (Benazir) support?"), required())
    receives_remittances = YesNoField(_l("Does the household receive money from relatives elsewhere?"), required())


class MemberForm(VersionedForm):
    name = StringField(_l("Name"), [InputRequired(message=_l("Enter the name.")), Length(max=100, message=_l("At most %(max)d characters."))],
                       filters=[strip_filter], render_kw={"maxlength": 100, "autocomplete": "off"})
    relation = ChoiceField(_l("Relation to the head"), options="relation")
    sex = ChoiceField(_l("Sex"), options="sex")
    dob = DateOfBirthField(_l("Date of birth"))
    age_years = NumberField(_l("Age in years (if the date of birth is not known)"), minimum=0, maximum=MAX_AGE)
    cnic = CnicField(_l("CNIC or B-form number (if any)"), [Optional()])
    marital_status = ChoiceField(_l("Marital status"), options="marital_status")
    disability = ChoiceField(_l("Disability"), options="disability")
    chronic_illness = YesNoField(_l("Long-term illness?"), required())
    can_read = YesNoField(_l("Can read a simple sentence?"), required())
    education = ChoiceField(_l("Highest education"), options="education")
    enrolled = YesNoField(_l("Goes to school or college now?"))
    occupation = StringField(_l("Occupation"), [Optional(), Length(max=100, message=_l("At most %(max)d characters."))],
                             filters=[strip_filter], render_kw={"maxlength": 100})
    employment = ChoiceField(_l("Work status"), options="employment")
    monthly_income = NumberField(_l("Own income in a month (rupees)"), minimum=0, maximum=10_000_000)


def _member_validate(self, extra_validators=None):
    """Skip logic: marital status from age 10, enrolment for ages 4 to 16; a date of birth or an age."""
    from ..domain.questionnaire import age_on, asks_enrolment, asks_marital_status

    super(MemberForm, self).validate(extra_validators)
    age = age_on(self.dob.data, self.age_years.data, date.today())
    if not asks_marital_status(age):
        self.marital_status.errors, self.marital_status.data = [], None
    if not asks_enrolment(age):
        self.enrolled.errors, self.enrolled.data = [], None
    elif self.enrolled.data not in ("yes", "no"):
        self.enrolled.errors = [REQUIRED]
    if self.dob.data is None and self.age_years.data is None and not self.dob.errors and not self.age_years.errors:
        self.age_years.errors = [_l("Enter the date of birth, or the age if the date is not known.")]
    return not any(field.errors for field in self)


MemberForm.validate = _member_validate
