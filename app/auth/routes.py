"""Sign-in by CNIC and password, and sign-out."""
from __future__ import annotations

import math

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..domain.mobile import mask_mobile
from ..domain.numerals import to_latin_digits
from ..domain.roles import Role
from ..helpline import helpline_number
from ..extensions import db, limiter
from ..i18n import left_to_right
from ..rate_limits import shared_limit
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..models import User
from ..services import otp as otp_service
from ..services.auth import authenticate, confirm_sign_in_code
from ..safe_redirect import safe_path
from ..services.auth import authenticate
from ..unit_of_work import service_context
from . import bp
from .forms import LoginForm, LogoutForm, SignInCodeForm
from .sessions import sign_in, sign_out

PENDING_SIGN_IN = "pending_sign_in_user_id"  # the account whose sign-in waits for its code in this browser

HOME_BY_ROLE = {
    Role.CITIZEN: "public.me",
    Role.ENUMERATOR: "enumerator.home",
    Role.SUPERVISOR: "supervisor.home",
    Role.HELPDESK: "helpdesk.home",
    Role.ADMIN: "admin.home",
}


def home_for(user) -> str:
    if not user.is_verified:
        return url_for("public.verify")
    return url_for(HOME_BY_ROLE.get(user.role, "public.index"))


def _next_path() -> str | None:
    """Where the visitor was going before sign-in: a path of this site only (see app.safe_redirect)."""
    return safe_path(request.args.get("next"), host=request.host)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(shared_limit("LOGIN_LIMIT"), methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "POST" and form.validate():
        result = authenticate(db.session, service_context(), form.cnic.data, form.password.data,
                              ip=request.remote_addr)
        if result.user is not None:
            sign_in(result.user)
            next_path = _next_path() if result.user.is_verified else None
            target = next_path or home_for(result.user)
            return htmx_redirect(target) if wants_fragment() else redirect(target)
        if result.reason == "needs_code":
            return _send_sign_in_code(result.pending, form)
        if result.reason == "wait":
            # The same words, status and wait for a CNIC with or without an account (services.auth).
            minutes = max(1, math.ceil((result.wait_until - service_context().now()).total_seconds() / 60))
            form.password.errors = [ngettext(
                "Too many wrong tries for this CNIC from this connection. For your safety, please wait "
                "%(num)s minute before trying again. Forgot your password? Call the helpline on %(helpline)s.",
                "Too many wrong tries for this CNIC from this connection. For your safety, please wait "
                "%(num)s minutes before trying again. Forgot your password? Call the helpline on %(helpline)s.",
                minutes, helpline=helpline_number())]
        elif result.reason == "expired_password":
            form.password.errors = [_("This one-time password has expired. Please ask an administrator for a new one.")]
        elif result.reason == "disabled":
            form.password.errors = [_("This account is disabled. Please call the helpline on %(helpline)s.",
                                   helpline=helpline_number())]
        else:
            form.password.errors = [_("The CNIC or the password is not correct.")]
    status = 422 if request.method == "POST" else 200
    return render_page("auth/login.html", "login_form", status=status, form=form)


def _send_sign_in_code(user: User, form: LoginForm):
    """The right password after many wrong ones (from anywhere): a code to the registered mobile finishes the
    sign-in, so a stranger's guesses never keep the owner out and a guessed password alone gets nowhere."""
    sent = otp_service.resend_otp(db.session, service_context(), user, purpose=otp_service.PURPOSE_SIGN_IN)
    if sent.exhausted:
        form.password.errors = [_("You have asked for too many codes today. Please try again tomorrow or call the helpline "
                                   "on %(helpline)s.", helpline=helpline_number())]
        return render_page("auth/login.html", "login_form", status=422, form=form)
    session[PENDING_SIGN_IN] = user.id
    flash(_("There were many wrong passwords for this account, so for your safety we sent a 6-digit code to "
            "your registered mobile %(mobile)s. Enter it to sign in.", mobile=left_to_right(mask_mobile(user.mobile))),
          "info")
    target = url_for("auth.login_code")
    return htmx_redirect(target) if wants_fragment() else redirect(target)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(shared_limit("OTP_LIMIT"), methods=["POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    user_id = session.get(PENDING_SIGN_IN)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return redirect(url_for("auth.login"))
    form = SignInCodeForm()
    if request.method == "POST" and form.validate():
        code = to_latin_digits(form.code.data).replace(" ", "").replace("-", "")
        if not (code.isdigit() and len(code) == 6):
            form.code.errors = [_("The code has 6 digits.")]
        else:
            result = confirm_sign_in_code(db.session, service_context(), user, code, ip=request.remote_addr)
            if result.ok:
                sign_in(user)
                target = home_for(user)
                return htmx_redirect(target) if wants_fragment() else redirect(target)
            if result.reason == "wrong":
                form.code.errors = [ngettext("The code is not correct. %(num)s try left.",
                                             "The code is not correct. %(num)s tries left.", result.tries_left)]
            else:
                form.code.errors = [_("This code can no longer be used. Sign in again with your password to get a new code.")]
    status = 422 if request.method == "POST" else 200
    return render_page("auth/login_code.html", "code_form", status=status, form=form,
                       masked_mobile=mask_mobile(user.mobile or ""))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate():
        if current_user.is_authenticated:
            sign_out()
        flash(_("You have signed out."), "success")
        return redirect(url_for("public.index"))
    if not current_user.is_authenticated:
        return redirect(url_for("public.index"))
    return render_page("auth/logout.html", form=form)
