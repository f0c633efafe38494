"""Form fields and validators shared by the blueprints' forms, with messages in the user's language."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

from .domain.cnic import normalise_cnic
from .domain.input_errors import InputError
from .domain.mobile import normalise_mobile
from .domain.names import check_name, displayable

CNIC_MESSAGES = {
    "empty": _l("Enter the CNIC number."),
    "chars": _l("A CNIC has only digits, for example 35202-1234567-1."),
    "length": _l("A CNIC has 13 digits, for example 35202-1234567-1."),
    "region": _l("A CNIC starts with a digit from 1 to 7. Please check the first digit."),
}
MOBILE_MESSAGES = {
    "empty": _l("Enter the mobile number."),
    "chars": _l("A mobile number has only digits, for example 03001234567."),
    "shape": _l("Enter a Pakistani mobile number of 11 digits starting with 03, for example 03001234567."),
}


class NormalisedField(StringField):
    """A text field whose value a domain rule normalises; `.data` becomes the canonical form when valid."""

    normalise: Callable[[str], str]
    messages: dict
    input_attrs: dict = {}

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"autocomplete": "off", "dir": "ltr", **self.input_attrs, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def pre_validate(self, form) -> None:
        if self.flags.optional and not (self.data or "").strip():
            self.data = None
            raise StopValidation()  # left empty on purpose: no message
        try:
            self.data = type(self).normalise(self.data)
        except InputError as error:
            raise StopValidation(str(self.messages[error.code])) from None


class CnicField(NormalisedField):
    """A CNIC in any usual shape: dashes or not, Latin or Urdu digits."""

    normalise = staticmethod(normalise_cnic)
    messages = CNIC_MESSAGES
    input_attrs = {"inputmode": "numeric", "maxlength": 30, "placeholder": "35202-1234567-1"}


class MobileField(NormalisedField):
    """A Pakistani mobile number as 03…, +92… or 92…."""

    normalise = staticmethod(normalise_mobile)
    messages = MOBILE_MESSAGES
    input_attrs = {"inputmode": "tel", "autocomplete": "tel", "maxlength": 20, "placeholder": "03001234567"}


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


NAME_MESSAGES = {
    "empty": _l("Enter the name."),
    "lines": _l("A name is written on one line."),
    "bidi": _l("The name holds hidden characters that change the direction of the text. Please type it again."),
    "control": _l("The name holds characters that cannot be typed. Please type it again."),
    "invisible": _l("A name needs letters that can be read, in Urdu or English."),
}


class PersonName:
    """A person's name (app.domain.names): letters that can be seen, one line, no direction tricks.
    A refused value is shown back without its control characters."""

    field_flags = {}

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str) or not field.data:
            return  # empty: the field's own required/optional rule speaks
        try:
            field.data = check_name(field.data)
        except InputError as error:
            field.data = displayable(field.data)
            field.raw_data = [field.data]
            raise StopValidation(str(NAME_MESSAGES[error.code])) from None


# Primary keys and versions are PostgreSQL `integer` columns: a number past them is no record at all.
INT32_MAX = 2**31 - 1


def record_number(text: object, maximum: int = INT32_MAX) -> int | None:
    """A record's number typed or posted as plain ASCII digits, within the database's range; else None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None
