"""The sign-in form: CNIC and password (field names are part of the public interface)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..forms_common import CnicField, strip_filter


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
