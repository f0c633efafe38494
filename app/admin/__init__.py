"""Planners and administrators: users, areas, rules and the whole registry."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import disaster_routes, routes  # noqa: E402,F401
