"""The supervisor's forms: the review decisions, each carrying the household's version and a one-time key."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..domain.catalogue import SECTION_TITLES
from ..forms_common import strip_filter
from ..services.review import REASON_MAX, RETURNABLE_SECTIONS
from ..survey.forms import VersionedForm

TOO_LONG = _l("Please write at most %(max)d characters.")
REASON_LIMIT = Length(max=REASON_MAX, message=TOO_LONG)
AREA = {"rows": 2, "maxlength": REASON_MAX}


class ApproveForm(VersionedForm):
    note = TextAreaField(_l("Note (optional)"), [Optional(), REASON_LIMIT], filters=[strip_filter], render_kw=AREA)


class RejectForm(VersionedForm):
    reason = TextAreaField(_l("Why the survey is not accepted (the household reads this)"),
                           [InputRequired(message=_l("Write the reason.")), REASON_LIMIT],
                           filters=[strip_filter], render_kw=AREA)


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("Why the verified household is opened again"),
                           [InputRequired(message=_l("Write the reason.")), REASON_LIMIT],
                           filters=[strip_filter], render_kw=AREA)


class ReturnForm(VersionedForm):
    """A reason per section (fields reason_<section>); at least one must be written."""

    def reasons(self) -> dict[str, str]:
        return {section: self[f"reason_{section}"].data for section in RETURNABLE_SECTIONS
                if self[f"reason_{section}"].data}

    def section_fields(self):
        return [self[f"reason_{section}"] for section in RETURNABLE_SECTIONS]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.reasons():
            self[f"reason_{RETURNABLE_SECTIONS[0]}"].errors = [_l("Write a reason for at least one section.")]
            return False
        return ok


for _section in RETURNABLE_SECTIONS:
    setattr(ReturnForm, f"reason_{_section}",
            TextAreaField(_l(SECTION_TITLES[_section]), [Optional(), REASON_LIMIT], filters=[strip_filter],
                          render_kw=AREA))
