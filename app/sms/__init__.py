"""The SMS channel: `POST /sms/inbound`, where the SMS gateway delivers the messages citizens send."""
from flask import Blueprint

bp = Blueprint("sms", __name__, url_prefix="/sms")

from . import routes  # noqa: E402,F401
