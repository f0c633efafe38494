"""The audit trail in words: staff roles and stated reasons as a citizen reads them on /me/access, in the
reader's language (Jinja globals, registered by public.my_data_routes)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .services import audit

ROLE_NAMES = {
    "enumerator": _l("Survey team member (enumerator)"),
    "supervisor": _l("Supervisor"),
    "helpdesk": _l("Helpdesk agent"),
    "admin": _l("Administrator"),
}
REASON_NAMES = {
    audit.REASON_REVIEW: _l("Review of your household's survey"),
    audit.REASON_SURVEY: _l("Survey of your household"),
    audit.REASON_BACK_CHECK: _l("Back-check visit (quality check of the survey)"),
    audit.REASON_CHANGE_REQUEST: _l("Your change request"),
    audit.REASON_DUPLICATE_CHECK: _l("Check for a person recorded in two households"),
}


def access_role(role: str | None) -> str:
    return str(ROLE_NAMES.get(role or "", _("Staff")))


def access_reason(reason: str | None) -> str:
    """A flow's reason in words; typed words as typed; none as "No reason given"."""
    if not reason:
        return _("No reason given")
    if reason in REASON_NAMES:
        return str(REASON_NAMES[reason])
    if reason.startswith(audit.COMPLAINT_REASON_PREFIX):
        return _("Complaint %(tracking)s", tracking=reason.removeprefix(audit.COMPLAINT_REASON_PREFIX))
    return reason
