"""Supervisors: checking the surveys of their area."""
from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

from . import back_check_routes, change_request_routes, duplicate_routes, routes  # noqa: E402,F401
