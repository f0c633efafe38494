"""The short forms of a citizen's change or correction, one per kind; dates and numbers in any digits."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from ..domain.change_requests import (ADDRESS_MAX, BIRTH_RELATIONS, CORRECTABLE_SECTIONS, DAMAGE, DESCRIPTION_MAX,
                                      INCOME_MAX, NAME_MAX, Kind)
from ..domain.catalogue import MAX_AGE
from ..domain.questionnaire import relation_fits_sex
from ..forms_common import PersonName, record_number, strip_filter
from ..survey.choices import CHOOSE, choices, section_title
from ..survey.forms import DateOfBirthField, NumberField

TOO_LONG = _l("Please write at most %(max)d characters.")
CHOOSE_ONE = _l("Please choose one.")

KIND_NAMES = {
    Kind.BIRTH: _l("A birth"), Kind.DEATH: _l("A death"), Kind.MARRIAGE: _l("A marriage"),
    Kind.DIVORCE: _l("A divorce"), Kind.MOVE: _l("A move to another tehsil or district"),
    Kind.DISASTER: _l("Damage from a disaster"), Kind.INCOME: _l("A new monthly income"),
    Kind.CORRECTION: _l("A correction of an answer"),
}
DAMAGE_NAMES = {"house_damaged": _l("House damaged"), "house_destroyed": _l("House destroyed"),
                "crops": _l("Crops lost"), "livestock": _l("Livestock lost"), "other": _l("Other damage")}


class EventDateField(DateOfBirthField):
    """The day something happened: not in the future."""

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_l("Enter the date."))
        if self.data > date.today():
            raise ValidationError(_l("The date cannot be in the future."))
        if self.data.year < date.today().year - MAX_AGE:
            raise ValidationError(_l("Please check the year."))


class RequestForm(FlaskForm):
    idempotency_key = HiddenField()
    kind: Kind

    def details(self) -> dict:
        return {name: self[name].data for name in self._detail_names}

    _detail_names: tuple[str, ...] = ()


class BirthForm(RequestForm):
    kind = Kind.BIRTH
    _detail_names = ("name", "sex", "relation", "dob")
    name = StringField(_l("Child's name"), [InputRequired(message=_l("Enter the name.")),
                                            Length(max=NAME_MAX, message=TOO_LONG), PersonName()],
                       filters=[strip_filter], render_kw={"maxlength": NAME_MAX, "autocomplete": "off"})
    sex = SelectField(_l("Sex"), choices=choices("sex"), validate_choice=False)
    relation = SelectField(_l("Relation to the head of household"), validate_choice=False,
                           choices=[c for c in choices("relation") if c.value in ("",) + BIRTH_RELATIONS])
    dob = EventDateField(_l("Date of birth"))

    def validate_sex(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(CHOOSE_ONE)

    def validate_relation(self, field):
        if field.data not in BIRTH_RELATIONS:
            raise ValidationError(CHOOSE_ONE)
        if not relation_fits_sex(field.data, self.sex.data):
            raise ValidationError(_l("This relation does not fit the child's sex."))


class MemberEventForm(RequestForm):
    """A death, a marriage or a divorce: which member, and when."""

    _detail_names = ("member_id", "date")
    member_id = SelectField(_l("Which member"), validate_choice=False)
    date = EventDateField(_l("Date"))

    def offer(self, members, relation_label) -> None:
        """The household's members by first name and relation only."""
        self.member_id.choices = [SelectChoice("", CHOOSE)] + [
            SelectChoice(str(m.id), f"{(m.name or '').split()[0] if m.name else ''} ({relation_label(m.relation)})")
            for m in members]

    def validate_member_id(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(CHOOSE_ONE)

    def details(self) -> dict:
        return {"member_id": record_number(self.member_id.data or ""), "date": self.date.data}


class DeathForm(MemberEventForm):
    kind = Kind.DEATH


class MarriageForm(MemberEventForm):
    kind = Kind.MARRIAGE


class DivorceForm(MemberEventForm):
    kind = Kind.DIVORCE


class MoveForm(RequestForm):
    kind = Kind.MOVE
    _detail_names = ("tehsil", "address")
    tehsil = SelectField(_l("New tehsil"), validate_choice=False)
    address = TextAreaField(_l("New address"), [InputRequired(message=_l("Enter the address.")),
                                                Length(max=ADDRESS_MAX, message=TOO_LONG)],
                            filters=[strip_filter], render_kw={"rows": 2, "maxlength": ADDRESS_MAX})

    def validate_tehsil(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Choose the tehsil."))


class DisasterForm(RequestForm):
    kind = Kind.DISASTER
    _detail_names = ("damage", "date", "description")
    damage = SelectField(_l("What was damaged"), validate_choice=False,
                         choices=[SelectChoice("", CHOOSE)] + [SelectChoice(k, DAMAGE_NAMES[k]) for k in DAMAGE])
    date = EventDateField(_l("Date"))
    description = TextAreaField(_l("What happened (optional)"), [Length(max=DESCRIPTION_MAX, message=TOO_LONG)],
                                filters=[strip_filter], render_kw={"rows": 3, "maxlength": DESCRIPTION_MAX})

    def validate_damage(self, field):
        if field.data not in DAMAGE:
            raise ValidationError(CHOOSE_ONE)


class IncomeForm(RequestForm):
    kind = Kind.INCOME
    _detail_names = ("monthly_income",)
    monthly_income = NumberField(_l("Household income in a month now (rupees)"),
                                 [InputRequired(message=_l("Enter the income, 0 if there is none."))],
                                 minimum=0, maximum=INCOME_MAX)


class CorrectionForm(RequestForm):
    kind = Kind.CORRECTION
    _detail_names = ("section", "description")
    section = SelectField(_l("Which part of the survey"), validate_choice=False)
    description = TextAreaField(_l("What is wrong, and what is right"),
                                [InputRequired(message=_l("Write what is wrong.")),
                                 Length(max=DESCRIPTION_MAX, message=TOO_LONG)],
                                filters=[strip_filter], render_kw={"rows": 4, "maxlength": DESCRIPTION_MAX})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = [SelectChoice("", CHOOSE)] + [SelectChoice(s, section_title(s))
                                                             for s in CORRECTABLE_SECTIONS]

    def validate_section(self, field):
        if field.data not in CORRECTABLE_SECTIONS:
            raise ValidationError(CHOOSE_ONE)


FORMS = {form.kind: form for form in (BirthForm, DeathForm, MarriageForm, DivorceForm, MoveForm, DisasterForm,
                                      IncomeForm, CorrectionForm)}
