"""The sign-in form (CNIC and password) and the forgotten-password forms; field names are part of the public interface."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..domain.numerals import to_latin_digits
from ..domain.passwords import MAX_LENGTH
from ..forms_common import CnicField, MobileField, strip_filter


class LoginForm(FlaskForm):
    cnic = CnicField(_l("CNIC number"))
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=128, message=_l("The password can have at most %(n)s characters.", n=128)),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": 128},
    )


class SignInCodeForm(FlaskForm):
    code = StringField(
        _l("6-digit code"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Enter the 6-digit code from the SMS."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "maxlength": 12},
    )


class LogoutForm(FlaskForm):
    pass


def _password_problem_message(password: str, personal: tuple[str, ...]):
    # The registration form's rules and words, so a new password is held to the same standard as the first.
    from ..domain.passwords import password_problem
    from ..public.forms import PASSWORD_MESSAGES

    problem = password_problem(password or "", personal=tuple(v for v in personal if v))
    return PASSWORD_MESSAGES[problem] if problem else None


class ForgotPasswordForm(FlaskForm):
    cnic = CnicField(_l("CNIC number"))
    mobile = MobileField(_l("Mobile number registered with the account"))


class ResetPasswordForm(FlaskForm):
    code = StringField(
        _l("6-digit code"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Enter the 6-digit code from the SMS."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "maxlength": 12},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    confirm_password = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(message=_l("Type the password again."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    personal: tuple[str, ...] = ()  # the account's name, CNIC and mobile, set by the view

    def validate_code(self, field) -> None:
        code = to_latin_digits(field.data or "").replace(" ", "").replace("-", "")
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(_l("The code has 6 digits."))
        field.data = code

    def validate_password(self, field) -> None:
        message = _password_problem_message(field.data, self.personal)
        if message:
            raise ValidationError(message)

    def validate_confirm_password(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords do not match."))
