"""The helpdesk: the complaint queue against deadlines, one complaint and its actions, the citizen look-up
and a small dashboard. Every view checks access per record; every look at personal data is audited."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.sessions import role_required
from ..complaint_texts import CATEGORY_NAMES, STATE_NAMES
from ..database import read_session
from ..domain.complaints import MOVES, ComplaintState, is_overdue
from ..domain.mobile import mask_mobile
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language
from ..forms_common import record_number
from ..idempotency import idempotent
from ..models import Area, Complaint, User
from ..models.base import utcnow
from ..rendering import render_page
from ..services import audit
from ..services import complaints as service
from ..services.areas import districts
from ..unit_of_work import service_context
from . import bp
from .forms import AssignForm, ContactForm, LinkForm, LookupForm, MessageForm, ResurveyForm, StateForm

STAFF = (Role.HELPDESK, Role.SUPERVISOR, Role.ADMIN)


@bp.get("/")
@role_required(*STAFF)
def home():
    args = request.args
    district = db.session.scalars(select(Area).where(Area.code == args.get("district"))).first() if args.get("district") else None
    flt = service.QueueFilter(state=args.get("state") if args.get("state") in STATE_NAMES else None,
                              category=args.get("category") if args.get("category") in CATEGORY_NAMES else None,
                              district_id=district.id if district else None, overdue=args.get("overdue") == "1",
                              mine=args.get("mine") == "1")
    now = utcnow()
    page = service.queue(db.session, current_user, flt, now=now, cursor=args.get("cursor") or None)
    lang = current_language()
    # The filters the page links carry on (with the cursor), as the filter form sends them.
    params = {key: value for key, value in (("state", flt.state), ("category", flt.category),
                                            ("district", district.code if district else None),
                                            ("overdue", "1" if flt.overdue else None), ("mine", "1" if flt.mine else None))
              if value}
    return render_page("helpdesk/queue.html", "queue", complaints=page.rows, page=page, params=params, flt=flt, now=now,
                       district_code=district.code if district else "",
                       districts=[(a.code, a.name(lang)) for a in districts(db.session)],
                       is_overdue=is_overdue)


def _complaint(complaint_id: int) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not service.may_handle(db.session, current_user, complaint):
        # Committed with the 404 answer (see app.unit_of_work).
        audit.record(db.session, service_context(), "complaint.denied", actor_id=current_user.id,
                     outcome=str(complaint_id))
        abort(404)
    return complaint


def _forms(complaint: Complaint, **overrides) -> dict:
    assign = AssignForm(formdata=None)
    assign.agent.choices = [SelectChoice(str(current_user.id), _("Myself"))] + [
        SelectChoice(str(a.id), a.full_name) for a in service.agents(db.session) if a.id != current_user.id]
    state = StateForm(formdata=None)
    state.target.choices = [SelectChoice(s.value, STATE_NAMES[s.value])
                            for s in MOVES[ComplaintState(complaint.state)] if s != ComplaintState.ASSIGNED]
    forms = {"assign_form": assign, "state_form": state, "message_form": MessageForm(formdata=None),
             "resurvey_form": ResurveyForm(formdata=None), "contact_form": ContactForm(formdata=None),
             "link_form": LinkForm(formdata=None)}
    forms.update(overrides)
    if "state_form" in overrides:
        overrides["state_form"].target.choices = state.target.choices
    if "assign_form" in overrides:
        overrides["assign_form"].agent.choices = assign.agent.choices
    return forms


def _page(complaint: Complaint, status: int = 200, *, mobile_revealed: bool = False, **overrides):
    # The number is masked unless the agent asked for it to call the citizen (an audited action).
    mobile = complaint.mobile if mobile_revealed else mask_mobile(complaint.mobile)
    return render_page("helpdesk/complaint.html", status=status, complaint=complaint, now=utcnow(),
                       is_overdue=is_overdue, mobile=mobile, mobile_revealed=mobile_revealed,
                       may_reveal=current_user.role == Role.HELPDESK, **_forms(complaint, **overrides))


@bp.get("/complaints/<int:complaint_id>")
@role_required(*STAFF)
def complaint(complaint_id: int):
    item = _complaint(complaint_id)
    audit.record(db.session, service_context(), "complaint.view", actor_id=current_user.id, cnic=item.cnic,
                 ip=request.remote_addr, outcome=item.tracking_no, area_id=item.district_id,
                 reason=audit.complaint_reason(item.tracking_no))
    return _page(item)


@bp.post("/complaints/<int:complaint_id>/mobile")
@role_required(Role.HELPDESK)
def reveal_mobile(complaint_id: int):
    """The full number, for an agent about to call the citizen back; each reveal is in the audit log."""
    item = _complaint(complaint_id)
    audit.record(db.session, service_context(), "complaint.reveal_mobile", actor_id=current_user.id,
                 cnic=item.cnic, ip=request.remote_addr, outcome=item.tracking_no, area_id=item.district_id,
                 reason=audit.complaint_reason(item.tracking_no))
    return _page(item, mobile_revealed=True)


def _back(item: Complaint):
    return redirect(url_for("helpdesk.complaint", complaint_id=item.id))


@bp.post("/complaints/<int:complaint_id>/assign")
@role_required(*STAFF)
@idempotent
def assign(complaint_id: int):
    item = _complaint(complaint_id)
    form = AssignForm()
    agent_id = record_number(form.agent.data)
    agent = db.session.get(User, agent_id) if agent_id is not None else None
    if not form.validate() or agent is None or agent.role not in STAFF:
        form.agent.errors = [_("Choose who takes the complaint.")]
        return _page(item, 422, assign_form=form)
    try:
        service.assign(db.session, service_context(), item, agent, current_user)
    except service.ComplaintActionError:
        abort(409)
    return _back(item)


@bp.post("/complaints/<int:complaint_id>/state")
@role_required(*STAFF)
@idempotent
def change_state(complaint_id: int):
    item = _complaint(complaint_id)
    form = StateForm()
    if not form.validate() or form.target.data not in STATE_NAMES:
        form.target.errors = form.target.errors or [_("Choose the new state.")]
        return _page(item, 422, state_form=form)
    try:
        service.change_state(db.session, service_context(), item, form.target.data, current_user,
                             text=form.resolution.data)
    except service.ComplaintActionError as error:
        message = {"resolution_needed": _("Write the resolution: the citizen reads it."),
                   "bad_move": _("The complaint cannot move to this state now.")}.get(error.code)
        form.resolution.errors = [message] if error.code == "resolution_needed" else []
        form.target.errors = [message] if error.code != "resolution_needed" else []
        return _page(db.session.get(Complaint, complaint_id), 422, state_form=form)
    return _back(item)


@bp.post("/complaints/<int:complaint_id>/message")
@role_required(*STAFF)
@idempotent
def message(complaint_id: int):
    item = _complaint(complaint_id)
    form = MessageForm()
    if not form.validate():
        return _page(item, 422, message_form=form)
    service.add_message(db.session, service_context(), item, current_user, form.message.data,
                        public=form.public.data)
    return _back(item)


@bp.post("/complaints/<int:complaint_id>/resurvey")
@role_required(*STAFF)
@idempotent
def resurvey(complaint_id: int):
    item = _complaint(complaint_id)
    form = ResurveyForm()
    if not form.validate():
        return _page(item, 422, resurvey_form=form)
    if not service.request_resurvey(db.session, service_context(), item, current_user, form.reason.data):
        form.reason.errors = [_("No household is registered with this CNIC: ask the citizen to register first.")]
        return _page(item, 422, resurvey_form=form)
    return _back(item)


@bp.post("/complaints/<int:complaint_id>/contact")
@role_required(*STAFF)
@idempotent
def contact(complaint_id: int):
    item = _complaint(complaint_id)
    form = ContactForm()
    if not form.validate():
        return _page(item, 422, contact_form=form)
    service.correct_contact(db.session, service_context(), item, form.mobile.data, current_user)
    return _back(item)


@bp.post("/complaints/<int:complaint_id>/link")
@role_required(*STAFF)
@idempotent
def link(complaint_id: int):
    item = _complaint(complaint_id)
    form = LinkForm()
    if not form.validate():
        return _page(item, 422, link_form=form)
    original = db.session.scalars(select(Complaint).where(Complaint.tracking_no == form.tracking_no.data)).first()
    if original is None or original.id == item.id or not service.may_handle(db.session, current_user, original):
        form.tracking_no.errors = [_("No other complaint has this tracking number.")]
        return _page(item, 422, link_form=form)
    service.link_duplicate(db.session, service_context(), item, original, current_user)
    return _back(item)


@bp.route("/lookup", methods=["GET", "POST"])
@role_required(*STAFF)
def lookup():
    form = LookupForm()
    if request.method == "POST" and form.validate():
        view = service.look_up_citizen(db.session, service_context(), form.cnic.data, reason=form.reason.data,
                                       actor=current_user, ip=request.remote_addr)
        return render_page("helpdesk/lookup.html", "lookup_result", form=form, view=view)
    return render_page("helpdesk/lookup.html", "lookup_result", status=422 if request.method == "POST" else 200,
                       form=form, view=None)


@bp.get("/dashboard")
@role_required(*STAFF)
def dashboard():
    from ..complaint_texts import complaint_category, complaint_state

    data = service.dashboard(read_session(), current_user)  # a replica's, with DATABASE_READ_URL
    return render_page("helpdesk/dashboard.html", data=data,
                       category_rows=[(complaint_category(k), v) for k, v in data.by_category.items()],
                       state_rows=[(complaint_state(k), v) for k, v in data.by_state.items()])
