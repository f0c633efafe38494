"""Planners and administrators: users, areas, rules and the whole registry."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes, schedule_routes, staff_routes  # noqa: E402,F401
