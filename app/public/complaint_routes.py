"""Citizens' complaints: file one (signed in or not), track it, reopen it, rate it."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..domain.complaints import TrackingNumberError, may_rate, may_reopen, parse_tracking_number
from ..domain.cnic import CnicError, normalise_cnic
from ..extensions import db, limiter
from ..rate_limits import shared_limit
from ..i18n import current_language
from ..idempotency import idempotent, new_key
from ..models.base import utcnow
from ..rendering import render_page
from ..services import complaints as service
from ..services.areas import districts
from ..unit_of_work import service_context
from . import bp
from .complaint_forms import ComplaintForm, RateForm, ReopenForm, TrackForm


def _district_choices() -> list[SelectChoice]:
    lang = current_language()
    return [SelectChoice("", _("Choose"))] + sorted(
        (SelectChoice(a.code, a.name(lang)) for a in districts(db.session)), key=lambda c: str(c.label))


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit(shared_limit("COMPLAINT_LIMIT"), methods=["POST"])
@idempotent
def new_complaint():
    form = ComplaintForm()
    form.district.choices = _district_choices()
    if request.method == "GET":
        if current_user.is_authenticated and current_user.role == "citizen":
            form.cnic.data, form.mobile.data = current_user.cnic, current_user.mobile
            if current_user.household and current_user.household.area:
                area = current_user.household.area
                form.district.data = (area.parent if area.level == "tehsil" else area).code
        return render_page("public/complaint_new.html", form=form, key=new_key(), complaint=None)
    if not form.validate():
        return render_page("public/complaint_new.html", "complaint_form", status=422, form=form,
                           key=request.form.get("idempotency_key") or new_key(), complaint=None)
    from ..services.areas import find_area

    try:
        complaint = service.file_complaint(
            db.session, service_context(), cnic=form.cnic.data, mobile=form.mobile.data, category=form.category.data,
            description=form.description.data, district=find_area(db.session, form.district.data),
            filed_by=current_user if current_user.is_authenticated else None, locale=current_language(),
            ip=request.remote_addr)
    except service.TooManyOpenComplaints:
        limit = current_app.config["COMPLAINT_MAX_OPEN"]
        form.cnic.errors = [
            _("You already have %(n)s open complaints. Please track them, or wait until they are resolved.", n=limit)
            if current_user.is_authenticated else
            _("%(n)s complaints with this CNIC and mobile number are already open. Please track them, or wait "
              "until they are resolved.", n=limit)]
        return render_page("public/complaint_new.html", "complaint_form", status=422, form=form, key=new_key(),
                           complaint=None)
    return render_page("public/complaint_new.html", "complaint_form", form=form, key=None, complaint=complaint)


def _track_context(complaint, form, **extra) -> dict:
    now = utcnow()
    hidden = {"tracking_no": complaint.tracking_no, "cnic": complaint.cnic} if complaint else {}
    return {"form": form, "complaint": complaint, "searched": True,
            "timeline": service.public_timeline(complaint) if complaint else [],
            "can_reopen": bool(complaint and may_reopen(complaint.state, complaint.resolved_at, now)),
            "can_rate": bool(complaint and may_rate(complaint.state, complaint.rating)),
            "reopen_form": extra.pop("reopen_form", None) or ReopenForm(formdata=None, data=hidden),
            "rate_form": extra.pop("rate_form", None) or RateForm(formdata=None, data=hidden), **extra}


@bp.route("/complaints/track", methods=["GET", "POST"])
@limiter.limit(shared_limit("TRACK_LIMIT"), methods=["POST"])
def track_complaint():
    form = TrackForm()
    if request.method == "GET":
        mine = service.citizen_complaints(db.session, current_user) if (
            current_user.is_authenticated and current_user.role == "citizen") else []
        return render_page("public/complaint_track.html", form=form, complaint=None, searched=False, mine=mine)
    if not form.validate():
        return render_page("public/complaint_track.html", "track_result", status=422, form=form, complaint=None,
                           searched=False)
    complaint = service.find_for_citizen(db.session, service_context(), form.tracking_no.data, form.cnic.data,
                                         ip=request.remote_addr,
                                         viewer=current_user if current_user.is_authenticated else None)
    return render_page("public/complaint_track.html", "track_result", **_track_context(complaint, form))


def _complaint_from_hidden(form):
    """The complaint named by the hidden tracking number and CNIC of a reopen or rate form, or None."""
    try:
        tracking, cnic = parse_tracking_number(form.tracking_no.data), normalise_cnic(form.cnic.data)
    except (TrackingNumberError, CnicError):
        return None
    return service.find_for_citizen(db.session, service_context(), tracking, cnic, ip=request.remote_addr)


def _act_on_tracked(form, form_name: str, act, refusal_field, refusal: str):
    """Reopen or rate: find the complaint the form names, validate, act, and answer with the tracking
    result; a refusal keeps what was typed and says why."""
    complaint = _complaint_from_hidden(form)
    track = TrackForm(formdata=None)
    if complaint is None:
        return render_page("public/complaint_track.html", "track_result", status=404, form=track, complaint=None,
                           searched=True)
    if form.validate():
        try:
            act(complaint)
        except service.ComplaintActionError:
            refusal_field.errors = [refusal]
        else:
            return render_page("public/complaint_track.html", "track_result", **_track_context(complaint, track))
    return render_page("public/complaint_track.html", "track_result", status=422,
                       **_track_context(complaint, track, **{form_name: form}))


@bp.post("/complaints/reopen")
@limiter.limit(shared_limit("TRACK_LIMIT"))
@idempotent
def reopen_complaint():
    form = ReopenForm()
    return _act_on_tracked(
        form, "reopen_form", lambda c: service.reopen(db.session, service_context(), c, form.reason.data,
                                                      ip=request.remote_addr),
        form.reason, _("A complaint can be reopened only within 7 days of being resolved."))


@bp.post("/complaints/rate")
@limiter.limit(shared_limit("TRACK_LIMIT"))
@idempotent
def rate_complaint():
    form = RateForm()
    return _act_on_tracked(
        form, "rate_form", lambda c: service.rate(db.session, service_context(), c, int(form.rating.data),
                                                  ip=request.remote_addr),
        form.rating, _("This complaint cannot be rated now."))
