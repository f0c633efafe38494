"""Signing in and out, and a forgotten password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import password_change_routes, password_routes, routes  # noqa: E402,F401
