"""/admin/outbox: the SMS outbox for administrators (queued, sent, failed; numbers masked, texts that may
carry a code never shown) and sending failed messages again."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import render_page, wants_fragment
from ..services import audit
from ..services import outbox as service
from ..services.keyset import BadCursor
from ..unit_of_work import service_context
from . import bp

STATE_LABELS = {"queued": _l("Waiting to be sent"), "sending": _l("Being handed over"), "sent": _l("Sent"),
                "failed": _l("Failed")}
PURPOSE_LABELS = {
    "verify_mobile": _l("Mobile verification code"),
    "sign_in": _l("Sign-in code"),
    "reset_password": _l("Password reset code"),
    "change_mobile": _l("Code for a new mobile number"),
    "change_notice": _l("Notice of an account change"),
    "complaint": _l("Complaint"),
    "review": _l("Survey review"),
    "sms_reply": _l("Reply to an SMS"),
    "survey_schedule": _l("Notice of a survey visit"),
    "staff_password": _l("Staff member's one-time password"),
}


def _filters(source) -> tuple[str | None, str | None]:
    return service.valid_filter(source.get("state") or None, source.get("purpose") or None)


def _outbox_page(state: str | None, purpose: str | None, cursor: str | None, *, notice: tuple | None = None):
    try:
        page, rows = service.outbox_page(db.session, state=state, purpose=purpose, cursor=cursor)
    except BadCursor:
        abort(400)
    audit.record(db.session, service_context(), "sms.outbox", actor_id=current_user.id, ip=request.remote_addr,
                 outcome="page")
    params = {k: v for k, v in (("state", state), ("purpose", purpose)) if v}
    return render_page("admin/outbox.html", "outbox", notice=notice, page=page, rows=rows, state=state,
                       purpose=purpose, params=params, state_labels=STATE_LABELS, purpose_labels=PURPOSE_LABELS,
                       purposes=service.PURPOSES, states=service.STATES)


@bp.get("/outbox")
@role_required(Role.ADMIN)
def outbox():
    state, purpose = _filters(request.args)
    return _outbox_page(state, purpose, request.args.get("cursor") or None)


@bp.post("/outbox/retry")
@role_required(Role.ADMIN)
def retry_outbox():
    ids = [int(v) for v in request.form.getlist("message_id") if v.isascii() and v.isdigit() and len(v) <= 10]
    moved = service.retry_failed(db.session, service_context(), ids, actor_id=current_user.id,
                                 ip=request.remote_addr)
    if moved:
        notice = ("success", ngettext("%(num)s message will be sent again.", "%(num)s messages will be sent again.",
                                      len(moved)))
    else:
        notice = ("info", str(_l("Nothing to send again: the message is no longer failed, or its text was removed.")))
    state, purpose = _filters(request.form)
    if wants_fragment():  # the list block, with the notice inside it
        return _outbox_page(state, purpose, None, notice=notice)
    flash(notice[1], notice[0])
    return redirect(url_for("admin.outbox", **{k: v for k, v in (("state", state), ("purpose", purpose)) if v}))
