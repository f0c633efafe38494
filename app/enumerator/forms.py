"""The enumerator's forms: start a household met at the door."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..forms_common import CnicField


class StartHouseholdForm(FlaskForm):
    head_cnic = CnicField(_l("CNIC of the head of household"))
