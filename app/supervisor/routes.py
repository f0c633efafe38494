"""The supervisor's home: their area's households by state, the submitted ones first to review."""
from __future__ import annotations

from flask_login import current_user

from sqlalchemy import select

from ..auth.sessions import role_required
from ..domain.complaints import OPEN_STATES
from ..models import Complaint
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page
from ..services.overview import households_by_status
from . import bp


@bp.get("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def home():
    area = current_user.area
    counts = households_by_status(db.session, area)
    escalated = db.session.scalars(
        select(Complaint).where(Complaint.escalated_to_id == current_user.id, Complaint.state.in_(list(OPEN_STATES)))
        .order_by(Complaint.deadline_at)
    ).all()
    return render_page("supervisor/home.html", area=area, counts=counts, escalated=escalated)
