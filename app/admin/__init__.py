"""Planners and administrators: users, areas, rules and the whole registry."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401
from . import programme_routes  # noqa: E402,F401
from . import model_routes  # noqa: E402,F401  (/admin/models)
from . import disaster_routes  # noqa: E402,F401  (/admin/disaster)
from . import schedule_routes, staff_routes  # noqa: E402,F401  (/admin/schedules, /admin/staff)
from . import outbox_routes  # noqa: E402,F401  (/admin/outbox)
from . import audit_routes  # noqa: E402,F401  (/admin/audit)
