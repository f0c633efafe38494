"""A forgotten password: a code to the registered mobile, then a new password and a fresh sign-in."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db, limiter
from ..models import User
from ..rate_limits import shared_limit
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services.account_care import request_password_reset, reset_password
from ..unit_of_work import service_context
from . import bp
from .forms import ForgotPasswordForm, ResetPasswordForm
from .routes import home_for
from .sessions import sign_in

RESET_CNIC = "reset_cnic"  # the CNIC this browser asked a reset code for, whatever the answer was


_limit = shared_limit("PASSWORD_RESET_LIMIT")


def _go(target: str):
    return htmx_redirect(target) if wants_fragment() else redirect(target)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "POST" and form.validate():
        request_password_reset(db.session, service_context(), form.cnic.data, form.mobile.data, ip=request.remote_addr)
        # The same answer whether or not the two match an account: the page tells nobody who is registered.
        session[RESET_CNIC] = form.cnic.data
        flash(_("If this CNIC and mobile number belong to one account, a 6-digit code is on its way to that number."),
              "success")
        return _go(url_for("auth.reset_password_page"))
    status = 422 if request.method == "POST" else 200
    return render_page("auth/password_forgot.html", "forgot_form", status=status, form=form)


def _code_message(reason: str, tries_left: int) -> str:
    if reason == "wrong":
        return ngettext("The code is not correct. %(num)s try left.", "The code is not correct. %(num)s tries left.",
                        tries_left)
    return {
        "expired": _("This code has expired. Ask for a new code."),
        "locked": _("Too many wrong codes. Ask for a new code."),
    }.get(reason, _("This code is not valid. Ask for a new code."))


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def reset_password_page():
    cnic = session.get(RESET_CNIC)
    if not cnic:
        flash(_("First tell us your CNIC and mobile number, and we send you a code."), "info")
        return _go(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if request.method == "POST":
        account = db.session.query(User.full_name, User.mobile).filter(User.cnic == cnic).first()
        form.personal = (account.full_name if account else "", cnic, account.mobile if account else "")
        if form.validate():
            result = reset_password(db.session, service_context(), cnic, form.code.data, form.password.data,
                                    ip=request.remote_addr)
            if result.user is not None:
                sign_in(result.user)  # a new session; every other one was ended with the old password
                flash(_("Your new password is saved and you are signed in. Other devices were signed out."),
                      "success")
                return _go(home_for(result.user))
            form.code.errors = [_code_message(result.reason, result.tries_left)]
    status = 422 if request.method == "POST" else 200
    return render_page("auth/password_reset.html", "reset_form", status=status, form=form)
