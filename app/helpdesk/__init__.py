"""Helpdesk: complaints and citizen look-ups."""
from flask import Blueprint

bp = Blueprint("helpdesk", __name__, url_prefix="/helpdesk")

from . import account_routes, routes  # noqa: E402,F401
