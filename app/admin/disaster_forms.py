"""The planner's disaster forms: a new event with its affected areas, the criteria of its relief list, and
relief recorded for households of the list."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.disaster import EVENT_KINDS, ReliefCriteria
from ..forms_common import strip_filter

NAME_LENGTH = Length(max=120, message=_l("Please write between %(min)d and %(max)d characters."))


class CriteriaForm(FlaskForm):
    """Optional narrowing of the list; a GET form (the list's address carries it), so no CSRF token."""

    class Meta:
        csrf = False

    verified_only = BooleanField(_l("Only verified households"))
    min_under5 = IntegerField(_l("At least this many children under five"), [Optional(), NumberRange(
        min=0, max=20, message=_l("Enter a whole number from %(min)s to %(max)s."))], render_kw={"inputmode": "numeric"})
    with_disability = BooleanField(_l("A member with a disability"))
    with_elderly = BooleanField(_l("A member aged 60 or over"))
    female_or_widowed_head = BooleanField(_l("Head is a woman or widowed"))
    score_below = DecimalField(_l("Score below"), [Optional(), NumberRange(
        min=0, max=100, message=_l("Enter a number from %(min)s to %(max)s."))], places=2,
        render_kw={"inputmode": "decimal"})

    def criteria(self) -> ReliefCriteria:
        return ReliefCriteria(verified_only=bool(self.verified_only.data), min_under5=self.min_under5.data or None,
                              with_disability=bool(self.with_disability.data),
                              with_elderly=bool(self.with_elderly.data),
                              female_or_widowed_head=bool(self.female_or_widowed_head.data),
                              score_below=float(self.score_below.data) if self.score_below.data is not None else None)


def criteria_params(criteria: ReliefCriteria) -> dict[str, str]:
    """The criteria as the GET form sends them, for the list's links (pages, CSV, print)."""
    params = {}
    for name, value in criteria.as_dict().items():
        params[name] = "y" if value is True else str(value)
    return params


class EventForm(CriteriaForm):
    class Meta:
        csrf = True

    name_ur = StringField(_l("Name in Urdu"), [InputRequired(message=_l("Write the name.")), NAME_LENGTH],
                          filters=[strip_filter], render_kw={"maxlength": 120, "dir": "rtl", "lang": "ur"})
    name_en = StringField(_l("Name in English"), [InputRequired(message=_l("Write the name.")), NAME_LENGTH],
                          filters=[strip_filter], render_kw={"maxlength": 120, "dir": "ltr", "lang": "en"})
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, _l(v)) for k, v in EVENT_KINDS.items()],
                       validators=[InputRequired(message=_l("Choose the kind of disaster."))])
    # Area codes (districts and tehsils); the template draws them as a checkbox tree.
    areas = SelectMultipleField(_l("Affected districts and tehsils"), validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class ReliefForm(FlaskForm):
    household_id = SelectMultipleField(_l("Households served"), validate_choice=False, coerce=str)
    items = StringField(_l("What was given"), [InputRequired(message=_l("Write what was given.")),
                                                 Length(max=200, message=NAME_LENGTH.message)],
                        filters=[strip_filter], render_kw={"maxlength": 200})
    note = StringField(_l("Note"), [Optional(), Length(max=500, message=NAME_LENGTH.message)],
                       filters=[strip_filter], render_kw={"maxlength": 500})
