"""Disaster response for planners (the admin role: the portal has no separate planner role): an event over
some districts and tehsils, its households ranked by vulnerability with counts per area, the list as CSV
and as a printable Urdu distribution list, and relief recorded once per household."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.sessions import role_required
from ..domain.disaster import CLOSED, EVENT_KINDS, OPEN
from ..domain.roles import Role
from ..database import READ_ENGINE
from ..extensions import db
from ..i18n import current_language, when
from ..models import Area, DisasterEvent
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import disaster as service
from ..services.keyset import BadCursor
from ..unit_of_work import service_context
from . import bp
from .disaster_forms import CriteriaForm, EventForm, ReliefForm, criteria_params

CRITERIA_FIELDS = ("verified_only", "min_under5", "with_disability", "with_elderly", "female_or_widowed_head",
                   "score_below")


def _area_tree_choices() -> list[tuple[Area, list[Area]]]:
    """Districts with their tehsils, in the reader's language order of names."""
    lang = current_language()
    areas = db.session.scalars(select(Area).where(Area.level.in_(("district", "tehsil")))).all()
    tehsils: dict[int, list[Area]] = {}
    for area in areas:
        if area.level == "tehsil":
            tehsils.setdefault(area.parent_id, []).append(area)
    districts = sorted((a for a in areas if a.level == "district"), key=lambda a: a.name(lang))
    return [(d, sorted(tehsils.get(d.id, []), key=lambda a: a.name(lang))) for d in districts]


@bp.route("/disaster", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def disaster():
    form = EventForm()
    status = 200
    if request.method == "POST":
        codes = [c for c in (form.areas.data or []) if isinstance(c, str)]
        found = db.session.scalars(select(Area).where(Area.code.in_(codes))).all() if codes else []
        if form.validate():
            try:
                event = service.create_event(
                    db.session, service_context(), actor_id=current_user.id, name_en=form.name_en.data,
                    name_ur=form.name_ur.data, kind=form.kind.data, area_ids=[a.id for a in found],
                    criteria=form.criteria())
            except service.DisasterError as error:
                form.areas.errors = [_(error.message)]
            else:
                target = url_for("admin.disaster_event", event_id=event.id, **criteria_params(form.criteria()))
                return htmx_redirect(target) if wants_fragment() else redirect(target)
        status = 422
    return render_page("admin/disaster.html", "event_form", status=status, form=form,
                       events=service.events(db.session), tree=_area_tree_choices(),
                       chosen=set(form.areas.data or []), kinds=EVENT_KINDS)


def _event(event_id: int) -> DisasterEvent:
    event = db.session.get(DisasterEvent, event_id)
    if event is None:
        abort(404)
    return event


def _criteria_form(event: DisasterEvent, source) -> CriteriaForm:
    """The criteria asked for in the address (or the POSTed list), else the ones saved with the event."""
    if any(name in source for name in (*CRITERIA_FIELDS, "apply")):
        return CriteriaForm(formdata=source)
    saved = service.ReliefCriteria.from_dict(event.criteria)
    return CriteriaForm(formdata=None, data={**saved.as_dict()})


def _event_page(event: DisasterEvent, criteria_form: CriteriaForm, cursor: str | None, *, relief_form=None,
                status: int = 200, outcome=None):
    criteria = criteria_form.criteria() if not criteria_form.errors else service.ReliefCriteria()
    scope = service.scope_of(db.session, event)
    try:
        page = service.rank_page(db.session, scope, criteria, cursor)
    except BadCursor:
        abort(400)
    counts = service.counts_by_area(db.session, scope, criteria)
    lang = current_language()
    names = service.area_names(db.session, [c.area_id for c in counts] + [r.area_id for r in page.rows if r.area_id]
                               + service.event_area_ids(event), lang)
    service.audit_list_read(db.session, service_context(), actor_id=current_user.id, event=event, rows=page.rows,
                            how="page")
    return render_page("admin/disaster_event.html", "ranked", status=status, event=event, page=page, counts=counts,
                       names=names, criteria_form=criteria_form, params=criteria_params(criteria), cursor=cursor or "",
                       relief_form=relief_form or ReliefForm(formdata=None), outcome=outcome, outcome_lines=outcome_lines,
                       kinds=EVENT_KINDS,
                       served_total=sum(service.served_by_area(db.session, event.id).values()))


@bp.get("/disaster/<int:event_id>")
@role_required(Role.ADMIN)
def disaster_event(event_id: int):
    event = _event(event_id)
    form = _criteria_form(event, request.args)
    status = 200 if form.validate() else 422
    return _event_page(event, form, request.args.get("cursor") or None, status=status)


@bp.post("/disaster/<int:event_id>/relief")
@role_required(Role.ADMIN)
def disaster_relief(event_id: int):
    event = _event(event_id)
    form = ReliefForm()
    criteria_form = _criteria_form(event, request.form)
    criteria_form.validate()
    cursor = request.form.get("cursor") or None
    ids = [int(v) for v in (form.household_id.data or []) if v.isdigit() and len(v) < 10]
    if not form.validate() or not ids:
        if not ids:
            form.household_id.errors = [_("Tick the households that received relief.")]
        return _event_page(event, criteria_form, cursor, relief_form=form, status=422)
    try:
        outcome = service.record_relief(db.session, service_context(), event, ids, actor_id=current_user.id,
                                        items=form.items.data, note=form.note.data)
    except service.DisasterError as error:
        form.household_id.errors = [_(error.message)]
        return _event_page(event, criteria_form, cursor, relief_form=form, status=422)
    if wants_fragment():
        return _event_page(event, criteria_form, cursor, outcome=outcome)
    for line in outcome_lines(outcome):
        flash(line, "success")
    return redirect(url_for("admin.disaster_event", event_id=event.id, cursor=cursor,
                            **criteria_params(criteria_form.criteria())))


def outcome_lines(outcome) -> list[str]:
    lines = []
    if outcome.recorded:
        lines.append(_("Relief recorded for %(n)s households.", n=len(outcome.recorded)))
    for household_id, at in sorted(outcome.already.items()):
        lines.append(_("Household %(id)s was already served on %(when)s; nothing recorded twice.",
                       id=household_id, when=when(at)))
    for household_id in outcome.refused:
        lines.append(_("Household %(id)s is not in this event's areas.", id=household_id))
    return lines


@bp.post("/disaster/<int:event_id>/state")
@role_required(Role.ADMIN)
def disaster_state(event_id: int):
    event = _event(event_id)
    state = request.form.get("state")
    if state not in (OPEN, CLOSED):
        abort(400)
    service.set_event_state(db.session, service_context(), event, state, actor_id=current_user.id)
    target = url_for("admin.disaster_event", event_id=event.id)
    return htmx_redirect(target) if wants_fragment() else redirect(target)


def _event_and_criteria(event_id: int):
    """The event and the criteria in the address (a link from the event page); 400 for criteria it never sends."""
    event = _event(event_id)
    form = _criteria_form(event, request.args)
    if not form.validate():
        abort(400)
    return event, form.criteria()


CSV_COLUMNS = ("rank", "household_id", "area_code", "area", "head_name", "head_cnic_masked", "village", "members",
               "under5", "elderly", "disabled", "female_or_widowed_head", "score", "vulnerability", "served_at")


@bp.get("/disaster/<int:event_id>/list.csv")
@role_required(Role.ADMIN)
def disaster_csv(event_id: int):
    """The whole ranked list, streamed a thousand rows at a time (memory stays flat at any size)."""
    event, criteria = _event_and_criteria(event_id)
    scope = service.scope_of(db.session, event)
    codes = {a.id: (a.code, a.name_en)
             for a in db.session.scalars(select(Area).where(Area.level.in_(("district", "tehsil"))))}
    service.audit_list_read(db.session, service_context(), actor_id=current_user.id, event=event, rows=[], how="csv",
                            criteria=criteria)
    engine = current_app.extensions.get(READ_ENGINE) or db.engine  # a replica's, with DATABASE_READ_URL

    def rows():
        # Its own session: the rows are written after the request's transaction (and its audit entry) ended.
        session = Session(engine)
        try:
            yield from _csv_chunks(session, scope, criteria, codes)
        finally:
            session.close()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="relief-event-{event.id}.csv"'
    return response


def _csv_chunks(session, scope, criteria, codes):
    """The CSV text, about 64 kB at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in service.iter_ranked(session, scope, criteria):
        code, name = codes.get(r.area_id, ("", ""))
        writer.writerow((r.rank, r.household_id, code, name, r.head_name or "", r.cnic_masked, r.village or "",
                         r.member_count or 0, r.under5 or 0, r.elderly or 0, r.disabled or 0,
                         "yes" if r.female_or_widowed_head else "no", "" if r.score is None else f"{r.score:.2f}",
                         f"{r.vulnerability / 100:.2f}", r.served_at.isoformat() if r.served_at else ""))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


PRINT_PAGE_SIZE = 200


@bp.get("/disaster/<int:event_id>/print")
@role_required(Role.ADMIN)
def disaster_print(event_id: int):
    """The distribution list to print and sign: always in Urdu, right to left, A4, one block of 200 rows."""
    event, criteria = _event_and_criteria(event_id)
    try:
        page = service.rank_page(db.session, service.scope_of(db.session, event), criteria,
                                 request.args.get("cursor") or None, limit=PRINT_PAGE_SIZE)
    except BadCursor:
        abort(400)
    service.audit_list_read(db.session, service_context(), actor_id=current_user.id, event=event, rows=page.rows,
                            how="print")
    with force_locale("ur"):
        names = service.area_names(db.session, [r.area_id for r in page.rows if r.area_id]
                                   + service.event_area_ids(event), "ur")
        return render_page("admin/disaster_print.html", event=event, page=page, names=names,
                           params=criteria_params(criteria))
