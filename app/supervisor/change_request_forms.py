"""Staff's forms on a citizen's change request: each carries the request's version and a one-time key."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms_common import record_number, strip_filter
from ..services.change_requests import REASON_MAX

TOO_LONG = _l("Please write at most %(max)d characters.")


class StepForm(FlaskForm):
    """Ask for a field visit, or apply: only the version the page was made from and a one-time key."""

    version = HiddenField()
    idempotency_key = HiddenField()

    def expected_version(self) -> int:
        version = record_number(self.version.data or "")
        return -1 if version is None else version


class DeclineForm(StepForm):
    reason = TextAreaField(_l("Why the request is declined (the citizen reads this)"),
                           [InputRequired(message=_l("Write the reason.")), Length(max=REASON_MAX, message=TOO_LONG)],
                           filters=[strip_filter], render_kw={"rows": 2, "maxlength": REASON_MAX})
