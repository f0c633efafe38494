"""The supervisor's decision on a pair of members that may be one person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired


class PairDecisionForm(FlaskForm):
    decision = RadioField(_l("Are these two members the same person?"),
                          choices=[SelectChoice("duplicate", _l("Same person")),
                                   SelectChoice("distinct", _l("Different people"))],
                          validators=[InputRequired(message=_l("Choose: the same person or different people."))])
