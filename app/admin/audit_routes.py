"""/admin/audit: the audit log filtered by person, action, district, household and time, newest first, a page
at a time; /admin/audit.csv streams the same filter whole. Both reads are audited themselves."""
from __future__ import annotations

import csv
import io
import json
from zoneinfo import ZoneInfo
from datetime import datetime, time, timedelta

from flask import Response, current_app, request
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from ..auth.sessions import role_required
from ..database import READ_ENGINE, read_session
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language
from ..models import Area, User
from ..rendering import render_page
from ..services import audit_trail
from ..services.areas import districts
from ..unit_of_work import service_context
from . import bp
from .audit_forms import AuditFilterForm, person_key
from .routes import AUDIT_ACTIONS, outcome_label

CSV_COLUMNS = ("id", "at", "action", "actor_id", "actor_role", "household_id", "area_id", "reason", "outcome",
               "cnic_masked", "ip_hash", "detail")


def action_labels() -> dict:
    return AUDIT_ACTIONS


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    lang = current_language()
    form.action.choices = [SelectChoice("", _l("Any"))] + sorted(
        (SelectChoice(key, str(label)) for key, label in action_labels().items()), key=lambda c: c.label)
    form.district.choices = [SelectChoice("", _l("Any"))] + sorted(
        (SelectChoice(a.code, a.name(lang)) for a in districts(db.session)), key=lambda c: c.label)
    return form


def _moment(day) -> datetime | None:
    """The start of a day in the display time zone, as an aware moment."""
    # A zoneinfo zone: attaching a pytz zone with replace() would give its local mean time (+04:28 in Karachi).
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(str(get_timezone()))) if day else None


def _filter(form: AuditFilterForm) -> audit_trail.TrailFilter:
    actor_id = None
    person = person_key(form.person.data)
    if person is not None:
        kind, value = person
        # An unknown CNIC matches nobody (0 is no account's number), never everybody.
        actor_id = value if kind == "id" else (audit_trail.actor_by_cnic(db.session, value) or 0)
    district = db.session.scalars(select(Area).where(Area.code == form.district.data)).first() \
        if form.district.data else None
    until = form.day(form.until)
    return audit_trail.TrailFilter(actor_id=actor_id, action=form.action.data or None,
                                   area_id=district.id if district else None, household_id=form.household_id(),
                                   since=_moment(form.day(form.since)),
                                   until=_moment(until + timedelta(days=1)) if until else None)


def _params() -> dict:
    """The filter's parameters as they came, for the pages' and the CSV's links."""
    return {k: v for k, v in request.args.items() if k in ("person", "action", "district", "household", "since", "until") and v}


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log():
    form = _form()
    if request.args and not form.validate():
        return render_page("admin/audit.html", "trail", status=422, form=form, entries=[], page=None, actors={},
                           areas={}, params={}, labels=action_labels(), outcome_label=outcome_label)
    flt = _filter(form)
    reads = read_session()  # a replica's with DATABASE_READ_URL
    page = audit_trail.trail_page(reads, flt, request.args.get("cursor") or None)
    audit_trail.record_view(db.session, service_context(), flt, actor=current_user, ip=request.remote_addr)
    actor_ids = {e.actor_id for e in page.rows if e.actor_id}
    actors = {u.id: u for u in reads.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    area_ids = {e.area_id for e in page.rows if e.area_id}
    areas = {a.id: a for a in reads.scalars(select(Area).where(Area.id.in_(area_ids)))} if area_ids else {}
    return render_page("admin/audit.html", "trail", form=form, entries=page.rows, page=page, actors=actors,
                       areas=areas, params=_params(), labels=action_labels(), outcome_label=outcome_label)


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv():
    form = _form()
    if not form.validate():
        return render_page("admin/audit.html", "trail", status=422, form=form, entries=[], page=None, actors={},
                           areas={}, params={}, labels=action_labels(), outcome_label=outcome_label)
    flt = _filter(form)
    audit_trail.record_export(db.session, service_context(), flt, actor=current_user, ip=request.remote_addr)
    engine = current_app.extensions.get(READ_ENGINE) or db.engine

    def chunks():
        # Its own session: the rows are written after the request's transaction (and its audit entry) ended.
        session = Session(engine)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        try:
            for e in audit_trail.iter_trail(session, flt):
                writer.writerow((e.id, e.at.isoformat(), e.action, e.actor_id or "", e.actor_role or "",
                                 e.household_id or "", e.area_id or "", e.reason or "", e.outcome or "",
                                 e.cnic_masked or "", e.ip_hash or "", "" if e.detail is None else _json(e.detail)))
                if buffer.tell() > 65536:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
        finally:
            session.close()

    # No request context while streaming: the rows need none (their own session, the filter made above).
    response = Response(chunks(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
