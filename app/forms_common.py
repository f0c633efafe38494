"""Form fields and validators shared by the blueprints' forms, with messages in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

from .domain.cnic import CnicError, normalise_cnic
from .domain.mobile import MobileError, normalise_mobile

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


class CnicField(StringField):
    """Accepts a CNIC in any usual shape; `.data` becomes the canonical 12345-1234567-1 when valid."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "maxlength": 30,
                     "placeholder": "35202-1234567-1"}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def pre_validate(self, form) -> None:
        try:
            self.data = normalise_cnic(self.data)
        except CnicError as error:
            raise StopValidation(str(CNIC_MESSAGES[error.code])) from None


class MobileField(StringField):
    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "maxlength": 20,
                     "placeholder": "03001234567"}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def pre_validate(self, form) -> None:
        try:
            self.data = normalise_mobile(self.data)
        except MobileError as error:
            raise StopValidation(str(MOBILE_MESSAGES[error.code])) from None


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
