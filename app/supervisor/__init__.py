"""Supervisors: checking the surveys of their area."""
from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

from . import routes  # noqa: E402,F401
from . import duplicate_routes  # noqa: E402,F401
