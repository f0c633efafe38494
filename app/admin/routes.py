"""The administrator's home: households by state, users by role, the latest audit entries."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page
from ..services.overview import households_by_status, recent_audit, users_by_role
from . import bp


AUDIT_ACTIONS = {
    "registration": _l("Registration"),
    "registration.expired": _l("Unverified registration expired"),
    "otp.verify": _l("Code check"),
    "otp.resend": _l("New code requested"),
    "login": _l("Sign-in"),
    "logout": _l("Sign-out"),
    "status_lookup": _l("Status lookup"),
    "user.create": _l("Account created"),
}

AUDIT_OUTCOMES = {
    "created": _l("created"),
    "duplicate": _l("refused: already registered"),
    "removed": _l("removed"),
    "success": _l("success"),
    "bad_password": _l("wrong password"),
    "unknown": _l("unknown CNIC"),
    "locked": _l("locked"),
    "disabled": _l("account disabled"),
    "wrong": _l("wrong code"),
    "expired": _l("code expired"),
    "missing": _l("no code waiting"),
    "sent": _l("sent"),
    "cooldown": _l("refused: too soon"),
    "exhausted": _l("refused: daily limit"),
    "not_found": _l("not registered"),
    "citizen": _l("citizen"),
    "enumerator": _l("enumerator"),
    "supervisor": _l("supervisor"),
    "helpdesk": _l("helpdesk agent"),
    "admin": _l("administrator"),
}


@bp.get("/")
@role_required(Role.ADMIN)
def home():
    return render_page(
        "admin/home.html",
        counts=households_by_status(db.session),
        roles=users_by_role(db.session),
        audit_entries=recent_audit(db.session),
        action_labels=AUDIT_ACTIONS,
        outcome_labels=AUDIT_OUTCOMES,
    )
