"""The supervisor's home: their area's households by state, the submitted ones first to review, and the
complaints escalated to them, a page at a time."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page, wants_fragment
from ..services.complaints import escalated_to
from ..services.overview import households_by_status
from . import bp


@bp.get("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def home():
    area = current_user.area
    page = escalated_to(db.session, current_user, cursor=request.args.get("cursor") or None)
    counts = {} if wants_fragment() else households_by_status(db.session, area)
    return render_page("supervisor/home.html", "escalated", area=area, counts=counts, escalated=page.rows, page=page)
