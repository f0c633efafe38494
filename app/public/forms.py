"""Forms of the citizen's pages; field names are part of the public interface (DESIGN.md)."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ..domain.mobile import NETWORKS
from ..domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from ..forms_common import CnicField, MobileField, PersonName, strip_filter

NETWORK_LABELS = {
    "jazz": _l("Jazz"),
    "warid": _l("Warid"),
    "zong": _l("Zong"),
    "ufone": _l("Ufone"),
    "telenor": _l("Telenor"),
    "scom": _l("SCOM"),
}
PASSWORD_MESSAGES = {
    "too_short": _l("The password needs at least %(n)s characters.", n=MIN_LENGTH),
    "too_long": _l("The password can have at most %(n)s characters.", n=MAX_LENGTH),
    "invisible": _l("The password has an invisible character (such as a zero-width space or a line break). "
                    "Use only letters, digits, signs and ordinary spaces."),
    "common": _l("This password is among the most common ones and easy to guess. Please choose another."),
    "personal": _l("The password must not contain your name, CNIC or mobile number."),
    # Why zxcvbn finds it easy to guess (app.domain.passwords), each with what to do instead.
    "repeated": _l("Repeated letters or words, such as aaaa or abcabc, are easy to guess. "
                   "Use three or four unrelated words with a digit or sign."),
    "sequence": _l("Runs such as abcd or 1234 are easy to guess. Use three or four unrelated words with a digit or sign."),
    "keyboard": _l("Rows of keys, such as qwerty or asdf, are easy to guess. "
                   "Use three or four unrelated words with a digit or sign."),
    "dates": _l("Years and dates, such as 1990 or 14-08-1990, are easy to guess. "
                "Use three or four unrelated words with a digit or sign."),
    "words": _l("A common word or name, even with a few digits added, is easy to guess. "
                "Use three or four unrelated words with a digit or sign."),
    "weak": _l("This password is too easy to guess. Make it longer: three or four unrelated words with a digit or sign."),
}


class RegistrationForm(FlaskForm):
    full_name = StringField(
        _l("Full name (as on your CNIC)"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Enter your full name.")),
            Length(min=3, max=100, message=_l("The name must be between 3 and 100 characters.")),
            PersonName(),
        ],
        render_kw={"autocomplete": "name", "maxlength": 100},
    )
    cnic = CnicField(_l("CNIC number"))
    network = SelectField(
        _l("Mobile network"),
        choices=[SelectChoice("", _l("Choose your network"))]
        + [SelectChoice(key, NETWORK_LABELS[key]) for key in NETWORKS],
        validate_choice=False,
    )
    mobile = MobileField(_l("Mobile number"))
    email = StringField(
        _l("Email (optional)"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=254, message=_l("The email address is too long."))],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr", "maxlength": 254},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    confirm_password = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(message=_l("Type the password again."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )

    def validate_network(self, field) -> None:
        if field.data not in NETWORKS:
            raise StopValidation(_l("Choose your mobile network from the list."))

    def validate_email(self, field) -> None:
        if not field.data:
            field.data = None
            return
        try:
            field.data = validate_email(field.data, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationError(_l("Enter a valid email address, for example name@example.com, or leave it empty.")) from None

    def validate_password(self, field) -> None:
        personal = tuple(v for v in (self.full_name.data, self.cnic.data, self.mobile.data) if v)
        problem = password_problem(field.data or "", personal=personal)
        if problem:
            raise ValidationError(PASSWORD_MESSAGES[problem])

    def validate_confirm_password(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords do not match."))


class VerifyForm(FlaskForm):
    code = StringField(
        _l("6-digit code"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Enter the 6-digit code from the SMS."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "maxlength": 12},
    )


class ResendForm(FlaskForm):
    pass


class MobileCorrectionForm(FlaskForm):
    """On /verify: the right number, when the one typed at sign-up was wrong."""

    mobile = MobileField(_l("The right mobile number"))


class MobileChangeForm(FlaskForm):
    mobile = MobileField(_l("New mobile number"))


class HomeAreaForm(FlaskForm):
    tehsil = SelectField(_l("Your tehsil"), validate_choice=False)

    def validate_tehsil(self, field) -> None:
        if field.data not in {c.value for c in field.choices if c.value}:
            raise StopValidation(_l("Choose your tehsil from the list."))


class StatusForm(FlaskForm):
    # CSRFProtect has already checked this POST's token; checking it twice costs the busiest page for nothing.
    class Meta:
        csrf = False

    cnic = CnicField(_l("CNIC number"))
