"""The household questionnaire, one page and one save per section. The same blueprint serves enumerators
(/enumerator/households/…) and citizens filling their own household (/me/household/…): one copy of the
forms, views and templates, registered twice with a different access rule."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from . import routes  # noqa: E402,F401
