"""Forms of the questionnaire's sections, made from the question catalogue. Numbers and dates accept Urdu digits;
every message is translated."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.catalogue import CATALOGUE, MAX_AGE, Catalogue, Question, QuestionType
from ..domain.numerals import to_latin_digits
from ..domain.questionnaire import age_on
from ..forms_common import CnicField, PersonName, record_number, strip_filter
from .choices import choices

REQUIRED = _l("Please answer this question.")


class VersionedForm(FlaskForm):
    """Every save names the version of the household it was made from, and carries a one-time key."""

    version = HiddenField()
    idempotency_key = HiddenField()

    def expected_version(self) -> int:
        """The posted version, or -1 (matches no household, so the save is refused as stale) when it is not
        a number the database could hold."""
        version = record_number(self.version.data)
        return -1 if version is None else version


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
        except (ValueError, TypeError, OverflowError):
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
    """One answer from a choice list of the catalogue, offered in a select with a blank "Choose" first."""

    def __init__(self, label=None, validators=None, *, options=None, required=False, catalogue=CATALOGUE, **kwargs):
        super().__init__(label, validators, choices=choices(options, catalogue=catalogue), validate_choice=False,
                         **kwargs)
        self.options, self.answer_required = options, required

    def pre_validate(self, form):
        keys = [c.value for c in self.choices if c.value or not self.answer_required]
        if self.data not in keys:
            raise ValidationError(REQUIRED)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, *, options=None, catalogue=CATALOGUE, **kwargs):
        super().__init__(label, validators, choices=choices(options, blank=False, catalogue=catalogue),
                         validate_choice=False, **kwargs)
        self.options = options

    def pre_validate(self, form):
        keys = {c.value for c in self.choices}
        self.data = [v for v in (self.data or []) if v in keys]


def required():
    return [InputRequired(message=REQUIRED)]


TOO_LONG = _l("At most %(max)d characters.")


def question_field(question: Question, catalogue: Catalogue = CATALOGUE):
    """The form field that asks `question`, with its label, help, range and messages."""
    t, label = question.type, _l(question.label)
    common = {"description": _l(question.help) if question.help else ""}
    if t == QuestionType.TEXT:
        message = _l(question.required_message) if question.required_message else REQUIRED
        validators = [InputRequired(message=message) if question.required else Optional()]
        render_kw = {"maxlength": question.max_length} if question.max_length else {}
        if question.max_length:
            validators.append(Length(max=question.max_length, message=TOO_LONG))
        if question.multiline:
            return TextAreaField(label, validators, filters=[strip_filter], render_kw={**render_kw, "rows": 2}, **common)
        if question.private:  # a person's name
            render_kw["autocomplete"] = "off"
            validators.append(PersonName())
        return StringField(label, validators, filters=[strip_filter], render_kw=render_kw, **common)
    if t == QuestionType.NUMBER:
        return NumberField(label, required() if question.required else None, decimal=question.decimal,
                           minimum=question.minimum if question.minimum is not None else 0, maximum=question.maximum,
                           **common)
    if t == QuestionType.CHOICE:
        return ChoiceField(label, options=question.choices, required=question.required, catalogue=catalogue, **common)
    if t == QuestionType.MULTI_CHOICE:
        return CheckboxesField(label, options=question.choices, catalogue=catalogue, **common)
    if t == QuestionType.YES_NO:
        # A question asked only at some ages is checked by the form (CatalogueForm.validate), not flagged
        # `required` in the page, where it may be hidden.
        return YesNoField(label, required() if question.required and not question.relevant else None, **common)
    if t == QuestionType.DATE:
        return DateOfBirthField(label, **common)
    if t == QuestionType.CNIC:
        return CnicField(label, [Optional()], **common)
    if t == QuestionType.AREA:
        return SelectField(label, validate_choice=False, **common)  # the view offers the district's tehsils
    raise ValueError(f"no field for question type {t}")


class CatalogueForm(VersionedForm):
    """A section's form: one field per question of the catalogue, and the questions' skip rules applied."""

    questions: dict[str, Question] = {}

    def member_age(self) -> int | None:
        dob, age = getattr(self, "dob", None), getattr(self, "age_years", None)
        return age_on(dob.data if dob is not None and isinstance(dob.data, date) else None,
                      age.data if age is not None and isinstance(age.data, int) else None, date.today())

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        if any(q.relevant for q in self.questions.values()):
            age = self.member_age()
            for q in self.questions.values():
                if q.relevant is None:
                    continue
                field = self[q.field_name]
                if not q.relevant.applies(age):
                    # Not asked at this age: whatever came with the form is dropped, and nothing is missing.
                    field.errors, field.data = [], None
                elif q.required and field.data in (None, "", []) and not field.errors:
                    field.errors = [REQUIRED]
        return not any(field.errors for field in self)

    def answers(self) -> dict:
        """The answers as the columns store them (yes/no as True/False); area questions are the view's."""
        values = {}
        for q in self.questions.values():
            if q.type == QuestionType.AREA:
                continue
            field = self[q.field_name]
            value = field.value if isinstance(field, YesNoField) else field.data
            if value is None and q.column.default is not None:
                value = q.column.default
            values[q.column_name] = value
        return values


class ConsentRules:
    def validate_tehsil(self, field):
        if self.consent_given.value and field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Choose the tehsil."))


class MemberRules:
    def validate(self, extra_validators=None):
        """A date of birth or an age, besides each question's own rules."""
        super().validate(extra_validators)
        if self.dob.data is None and self.age_years.data is None and not self.dob.errors and not self.age_years.errors:
            self.age_years.errors = [_l("Enter the date of birth, or the age if the date is not known.")]
        return not any(field.errors for field in self)


# Rules that tie two questions of a section together; everything else comes from the catalogue.
SECTION_RULES = {"consent": ConsentRules, "members": MemberRules}
FORM_NAMES = {"consent": "ConsentForm", "members": "MemberForm", "housing": "HousingForm", "assets": "AssetsForm",
              "income": "IncomeForm"}


def section_form(section: str, catalogue: Catalogue = CATALOGUE) -> type[CatalogueForm]:
    """The form class of a section, its fields in the catalogue's order."""
    questions = catalogue.section(section)
    attrs = {q.field_name: question_field(q, catalogue) for q in questions}
    attrs["questions"] = {q.field_name: q for q in questions}
    bases = (SECTION_RULES[section], CatalogueForm) if section in SECTION_RULES else (CatalogueForm,)
    return type(FORM_NAMES.get(section, f"{section.title()}Form"), bases, attrs)


ConsentForm = section_form("consent")
MemberForm = section_form("members")
HousingForm = section_form("housing")
AssetsForm = section_form("assets")
IncomeForm = section_form("income")
SECTION_FORMS = {"consent": ConsentForm, "housing": HousingForm, "assets": AssetsForm, "income": IncomeForm}
