"""Enumerators: the households of their area, to survey door to door."""
from flask import Blueprint

bp = Blueprint("enumerator", __name__, url_prefix="/enumerator")

from . import back_check_routes, routes  # noqa: E402,F401
