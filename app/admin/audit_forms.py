"""The audit viewer's filter: a GET form (its values stand in the URL that pages and the CSV carry on)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional, ValidationError

from ..domain.cnic import CnicError, normalise_cnic
from ..domain.numerals import to_latin_digits
from ..forms_common import strip_filter


def person_key(text: str | None) -> tuple[str, object] | None:
    """("cnic", the CNIC) or ("id", a user id) from what was typed; None for nothing; ValueError for neither."""
    text = to_latin_digits(text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) <= 9:
        return "id", int(text)
    try:
        return "cnic", normalise_cnic(text)
    except CnicError:
        raise ValueError(text) from None


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    person = StringField(_l("Staff member (CNIC or account number)"), [Optional()], filters=[strip_filter],
                         render_kw={"maxlength": 30})
    action = SelectField(_l("Action"), [Optional()], validate_choice=False)
    district = SelectField(_l("District"), [Optional()], validate_choice=False)
    household = StringField(_l("Household number"), [Optional()], filters=[strip_filter],
                            render_kw={"inputmode": "numeric", "maxlength": 10})
    since = StringField(_l("From (date)"), [Optional()], filters=[strip_filter], render_kw={"type": "date"})
    until = StringField(_l("Until (date, included)"), [Optional()], filters=[strip_filter], render_kw={"type": "date"})

    def household_id(self) -> int | None:
        text = to_latin_digits(self.household.data or "")
        return int(text) if text else None

    def day(self, field) -> date | None:
        return date.fromisoformat(to_latin_digits(field.data)) if field.data else None

    def validate_household(self, field):
        text = to_latin_digits(field.data or "")
        if text and not (text.isdigit() and 0 < int(text) < 2**31):
            raise ValidationError(_l("Enter a household number."))

    def validate_since(self, field):
        try:
            self.day(field)
        except ValueError:
            raise ValidationError(_l("Enter a date as YYYY-MM-DD.")) from None

    def validate_person(self, field):
        try:
            person_key(field.data)
        except ValueError:
            raise ValidationError(_l("Enter a CNIC or an account number.")) from None

    def validate_until(self, field):
        self.validate_since(field)
        try:
            start = self.day(self.since)
        except ValueError:
            return
        if start and self.day(field) and self.day(field) < start:
            raise ValidationError(_l("The end date comes before the start date."))
