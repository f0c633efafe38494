"""The helpdesk home: the registry at a glance for the agent."""
from __future__ import annotations

from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page
from ..services.overview import households_by_status
from . import bp


@bp.get("/")
@role_required(Role.HELPDESK, Role.ADMIN)
def home():
    counts = households_by_status(db.session, current_user.area)
    return render_page("helpdesk/home.html", area=current_user.area, counts=counts)
