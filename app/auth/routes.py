"""Sign-in by CNIC and password, and sign-out."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.roles import Role
from ..extensions import db, limiter
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..safe_redirect import safe_path
from ..services.auth import authenticate
from ..unit_of_work import service_context
from . import bp
from .forms import LoginForm, LogoutForm
from .sessions import sign_in, sign_out

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
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
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
        if result.reason == "locked":
            form.password.errors = [
                _("Too many wrong passwords. For your safety this account is locked until %(time)s. "
                  "You can try again then, or call the helpline.",
                  time=format_datetime(result.locked_until, "short"))
            ]
        elif result.reason == "disabled":
            form.password.errors = [_("This account is disabled. Please call the helpline.")]
        else:
            form.password.errors = [_("The CNIC or the password is not correct.")]
    status = 422 if request.method == "POST" else 200
    return render_page("auth/login.html", "login_form", status=status, form=form)


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
