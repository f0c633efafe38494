"""The citizen's side: home, language, registration, OTP, status lookup and the citizen's own page."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from . import account_routes, change_request_routes, complaint_routes, my_data_routes, routes, stats_routes  # noqa: E402,F401
