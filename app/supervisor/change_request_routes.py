"""The area's queue of citizens' change requests, for supervisors (/supervisor/requests) and the helpdesk
(/helpdesk/requests): one set of views and templates on both blueprints. A request's page shows the
household (an audited read) and the actions: ask for a field visit, decline with a reason, apply."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.change_requests import OPEN_STATES, WRITTEN_FROM_REQUEST
from ..domain.roles import Role
from ..extensions import db
from ..helpdesk import bp as helpdesk_bp
from ..idempotency import idempotent, new_key
from ..models import ChangeRequest
from ..rendering import render_page
from ..services import audit
from ..services import change_requests as service
from ..services import review
from ..services.keyset import BadCursor
from ..survey.answers import members_summary, summary
from ..survey.choices import label_of, section_title
from ..unit_of_work import service_context
from . import bp
from .change_request_forms import DeclineForm, StepForm

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
HELPDESK = (Role.HELPDESK, Role.SUPERVISOR, Role.ADMIN)

DONE = {"visit": _l("A field visit is asked for: the area's enumerators see the household first."),
        "decline": _l("Declined: the household has been told the reason."),
        "apply": _l("Applied: the household is submitted with the change, for the supervisor's review.")}
REFUSED = {
    "already": _l("This request has already been decided, or the visit already asked for. Nothing was saved."),
    "conflict": _l("Someone acted on this request or its household after you opened it. Nothing was saved: read it again."),
    "not_allowed": _l("The household is not in a state the change can be written to now (it may be waiting for review). Decide the review first."),
    "problems": _l("The change would leave the survey incomplete (for example without a head of household). Ask for a field visit instead."),
}


def _request(request_id: int) -> ChangeRequest:
    """The request, if this staff member's area holds its household; otherwise 404, and the attempt is logged."""
    item = db.session.get(ChangeRequest, request_id)
    if item is None or not service.may_handle(db.session, current_user, item):
        audit.record(db.session, service_context(), "change_request.denied", actor_id=current_user.id,
                     outcome=str(request_id))
        abort(404)
    return item


def _queue():
    try:
        page = service.request_queue(db.session, current_user, cursor=request.args.get("cursor") or None)
    except BadCursor:
        abort(404)
    return render_page("change_requests/queue.html", "queue", requests=page.rows, page=page, here=request.blueprint)


def _fresh(form, item: ChangeRequest):
    form.version.data = str(item.version)
    form.idempotency_key.data = new_key()
    return form


def _page(item: ChangeRequest, status: int = 200, *, notice=None, decline_form=None):
    household = item.household
    decline_form = _fresh(decline_form or DeclineForm(formdata=None), item)
    return render_page(
        "change_requests/request.html", status=status, item=item, household=household, here=request.blueprint,
        notice=str(notice) if notice else None, summary=summary(household), members_summary=members_summary(household),
        section_title=section_title, label_of=label_of, decline_form=decline_form,
        visit_form=_fresh(StepForm(formdata=None), item), apply_form=_fresh(StepForm(formdata=None), item),
        actionable=item.state in OPEN_STATES, writes_itself=item.kind in WRITTEN_FROM_REQUEST,
        revisions=service.revisions(db.session, household), timeline=review.timeline(db.session, household))


def _show(request_id: int):
    item = _request(request_id)
    # Reading a household's answers is a read of personal data: one audit entry per look, with the reason.
    audit.record_household_read(db.session, service_context(), item.household, actor=current_user,
                                reason=audit.REASON_CHANGE_REQUEST, ip=request.remote_addr,
                                detail={"page": "change_request", "request": item.id})
    return _page(item)


def _act(request_id: int, action: str):
    item = _request(request_id)
    form = DeclineForm() if action == "decline" else StepForm()
    if not form.validate():
        return _page(item, 422, decline_form=form if action == "decline" else None)
    ctx, version = service_context(), form.expected_version()
    if action == "visit":
        result = service.ask_field_visit(db.session, ctx, item, expected_version=version, actor=current_user)
    elif action == "decline":
        result = service.decline(db.session, ctx, item, expected_version=version, actor=current_user,
                                 reason=form.reason.data)
    else:
        result = service.apply(db.session, ctx, item, expected_version=version, actor=current_user)
    if result.ok:
        flash(str(DONE[action]), "success")
        return redirect(url_for(f"{request.blueprint}.change_requests"))
    if result.reason == "forbidden":
        abort(404)
    if result.reason == "invalid":
        form.reason.errors = [str(_l("Write the reason."))]
        return _page(item, 422, decline_form=form)
    return _page(db.session.get(ChangeRequest, request_id), 200 if result.reason == "already" else 409,
                 notice=REFUSED[result.reason])


# One set of views on both blueprints: /supervisor/requests… and /helpdesk/requests….
for _bp, _roles in ((bp, SUPERVISORS), (helpdesk_bp, HELPDESK)):
    _bp.add_url_rule("/requests", endpoint="change_requests", view_func=role_required(*_roles)(_queue))
    _bp.add_url_rule("/requests/<int:request_id>", endpoint="change_request", view_func=role_required(*_roles)(_show))
    for _action in ("visit", "decline", "apply"):
        _bp.add_url_rule(f"/requests/<int:request_id>/{_action}", endpoint=f"change_request_{_action}",
                         view_func=role_required(*_roles)(idempotent(_act)), methods=["POST"],
                         defaults={"action": _action})
