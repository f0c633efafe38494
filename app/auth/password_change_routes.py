"""Choosing one's own password after signing in with a one-time password that an administrator gave."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, ValidationError

from ..domain.passwords import MAX_LENGTH
from ..extensions import db
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services.users import choose_new_password
from ..unit_of_work import service_context
from . import bp
from .forms import _password_problem_message
from .routes import home_for


class ChangePasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Choose a password."))],
                             render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH})
    confirm_password = PasswordField(_l("Confirm password"),
                                     validators=[DataRequired(message=_l("Type the password again."))],
                                     render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH})
    personal: tuple[str, ...] = ()

    def validate_password(self, field) -> None:
        message = _password_problem_message(field.data, self.personal)
        if message:
            raise ValidationError(message)

    def validate_confirm_password(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords do not match."))


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
def change_password():
    if not current_user.must_change_password:
        return redirect(home_for(current_user))
    form = ChangePasswordForm()
    form.personal = (current_user.full_name, current_user.cnic, current_user.mobile or "")
    if request.method == "POST" and form.validate():
        choose_new_password(db.session, service_context(), current_user, form.password.data)
        flash(_("Your new password is saved."), "success")
        target = home_for(current_user)
        return htmx_redirect(target) if wants_fragment() else redirect(target)
    status = 422 if request.method == "POST" else 200
    return render_page("auth/password_change.html", "change_form", status=status, form=form)
