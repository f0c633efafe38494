"""Choosing one's own password after signing in with a one-time password that an administrator gave."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services.users import choose_new_password
from ..unit_of_work import service_context
from . import bp
from .forms import ResetPasswordForm
from .routes import home_for


class ChangePasswordForm(ResetPasswordForm):
    """The reset form's new password and its rules, without a code: the one-time password just signed in."""

    code = None


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
