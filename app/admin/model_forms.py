"""Forms of the scoring-model pages: a new version (copied from another and edited) and the buttons that
activate a version or re-score the households under it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms_common import strip_filter


class NewModelForm(FlaskForm):
    version = StringField(_l("Version name"), [InputRequired(message=_l("Give the version a name.")),
                                               Length(max=40, message=_l("Please write between %(min)d and %(max)d characters."))],
                          filters=[strip_filter], render_kw={"maxlength": 40, "autocomplete": "off"})
    effective_from = DateField(_l("In effect from"), [InputRequired(message=_l("Give the date it takes effect."))],
                               render_kw={"dir": "ltr"})
    notes = TextAreaField(_l("Notes (what changed and why)"), [Optional(), Length(max=2000)], filters=[strip_filter],
                          render_kw={"rows": 3, "maxlength": 2000})
    definition = TextAreaField(_l("Indicators and bands (JSON)"), [InputRequired(message=_l("Give the indicators and bands."))],
                               render_kw={"rows": 30, "dir": "ltr", "spellcheck": "false"})


class ModelActionForm(FlaskForm):
    """Activate or re-score: the CSRF token is the whole form."""
