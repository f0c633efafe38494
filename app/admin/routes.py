"""The administrator's home: households by state, users by role, the latest audit entries."""
from __future__ import annotations

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page
from ..services.overview import households_by_status, recent_audit, users_by_role
from . import bp


@bp.get("/")
@role_required(Role.ADMIN)
def home():
    return render_page(
        "admin/home.html",
        counts=households_by_status(db.session),
        roles=users_by_role(db.session),
        audit_entries=recent_audit(db.session),
    )
