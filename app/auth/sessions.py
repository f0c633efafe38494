"""Flask-Login bound to server-side sessions, and the role guard for staff pages."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager
from ..services.auth import end_session, start_session, user_for_session
from ..unit_of_work import service_context

SESSION_TOKEN = "auth_token"
# What an account with an unverified mobile may reach: the code, a corrected number, sign-out, and the plumbing.
UNVERIFIED_MAY_USE = frozenset({
    "public.verify", "public.resend_code", "auth.logout", "public.switch_language", "public.healthz",
    "public.robots", "static",
})


# What an account holding a one-time password may reach until it has chosen its own.
MUST_CHANGE_MAY_USE = frozenset({"auth.change_password", "auth.logout", "public.switch_language", "public.healthz",
                                 "public.robots", "static"})


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            uid = int(user_id)
        except (TypeError, ValueError):
            return None
        return user_for_session(db.session, service_context(), uid, session.get(SESSION_TOKEN))

    @login_manager.unauthorized_handler
    def send_to_sign_in():
        """Signed out (or never in, or deactivated since the last request): the sign-in page; an htmx request
        is sent there as a whole page rather than swapping the form into a fragment."""
        from flask import flash
        from flask_login.utils import login_url

        from ..rendering import htmx_redirect, wants_fragment

        flash(str(login_manager.login_message), login_manager.login_message_category)
        if wants_fragment():  # the fragment's URL is no page to come back to
            return htmx_redirect(url_for(login_manager.login_view))
        return redirect(login_url(login_manager.login_view, next_url=request.url))

    @app.before_request
    def hold_one_time_passwords():
        """An account signed in with a one-time password chooses its own before anything else."""
        if request.endpoint in MUST_CHANGE_MAY_USE or request.endpoint is None:
            return None
        if not current_user.is_authenticated or not current_user.must_change_password:
            return None
        from ..rendering import htmx_redirect, wants_fragment

        target = url_for("auth.change_password")
        return htmx_redirect(target) if wants_fragment() else redirect(target)

    @app.before_request
    def hold_unverified_accounts():
        """Until its mobile is verified, a signed-in account can only verify, correct its number or sign out:
        every other page sends it to /verify (one place, so no new page can forget)."""
        if request.endpoint in UNVERIFIED_MAY_USE or request.endpoint is None:
            return None
        if not current_user.is_authenticated or current_user.is_verified:
            return None
        from ..rendering import htmx_redirect, wants_fragment

        target = url_for("public.verify")
        return htmx_redirect(target) if wants_fragment() else redirect(target)


def sign_in(user) -> None:
    session.clear()  # a new session on sign-in: no fixation
    token = start_session(db.session, service_context(), user, ip=request.remote_addr,
                          user_agent=request.user_agent.string)
    session[SESSION_TOKEN] = token
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    actor = current_user.id if current_user.is_authenticated else None
    end_session(db.session, service_context(), session.get(SESSION_TOKEN), actor_id=actor)
    logout_user()
    session.clear()


def role_required(*roles: str):
    """Signed in with one of `roles`, else the sign-in page (anonymous) or 403 (wrong role)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
