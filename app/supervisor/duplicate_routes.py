"""Possible duplicate members for a supervisor: the open pairs of their area, a page at a time, and one pair
side by side with the decision (the same person, or different people). Looking is audited; deciding is
idempotent, audited, and merges nothing (services.duplicates)."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.sessions import role_required
from ..domain.catalogue import CATALOGUE
from ..domain.cnic import CnicError, mask_cnic
from ..domain.questionnaire import age_on
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language
from ..idempotency import idempotent
from ..models import Area, HouseholdMember
from ..rendering import render_page, wants_fragment
from ..services import audit
from ..services import duplicates as service
from ..services.keyset import BadCursor
from ..survey.answers import answer_text
from ..unit_of_work import service_context
from . import bp
from .duplicate_forms import PairDecisionForm

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
SHOWN = ("name", "father_or_husband_name", "sex", "dob", "age_years")


@bp.get("/duplicates")
@role_required(*SUPERVISORS)
def duplicates():
    try:
        page = service.open_pairs(db.session, current_user, request.args.get("cursor") or None)
    except BadCursor:
        abort(400)
    ids = {i for p in page.rows for i in (p.member_a_id, p.member_b_id)}
    names = dict(db.session.execute(select(HouseholdMember.id, HouseholdMember.name)
                                    .where(HouseholdMember.id.in_(ids))).all()) if ids else {}
    return render_page("supervisor/duplicates.html", "pairs", pairs=page.rows, page=page, names=names)


def _masked(cnic: str | None) -> str:
    if not cnic:
        return ""
    try:
        return mask_cnic(cnic)
    except CnicError:
        return ""


def _side(member: HouseholdMember | None, household, today: date) -> dict:
    """What the page shows of one member, as the questionnaire's review words it."""
    lang = current_language()
    district = db.session.get(Area, household.district_id) if household.district_id else None
    answers = {key: answer_text(CATALOGUE[key], getattr(member, CATALOGUE[key].column_name, None))
               for key in SHOWN} if member else {}
    return {"member": member, "household": household, "answers": answers, "cnic": _masked(member.cnic if member else None),
            "age": age_on(member.dob, member.age_years, today) if member else None,
            "district": district.name(lang) if district else "",
            "area": household.area.name(lang) if household.area else ""}


def _pair_page(view: service.PairView, status: int = 200, form: PairDecisionForm | None = None):
    today = date.today()
    rows = [(_(CATALOGUE[key].label), key) for key in SHOWN]
    return render_page("supervisor/duplicate_pair.html", "decision", status=status, view=view, rows=rows,
                       first=_side(view.first, view.first_household, today),
                       second=_side(view.second, view.second_household, today),
                       form=form or PairDecisionForm(formdata=None))


@bp.get("/duplicates/<int:pair_id>")
@role_required(*SUPERVISORS)
def duplicate_pair(pair_id: int):
    view = service.pair_view(db.session, service_context(), current_user, pair_id)
    if view is None:
        audit.record(db.session, service_context(), "duplicates.denied", actor_id=current_user.id, outcome=str(pair_id))
        abort(404)
    return _pair_page(view)


@bp.post("/duplicates/<int:pair_id>")
@role_required(*SUPERVISORS)
@idempotent
def decide_pair(pair_id: int):
    ctx = service_context()
    form = PairDecisionForm()
    if not form.validate():
        view = service.pair_view(db.session, ctx, current_user, pair_id)
        if view is None:
            abort(404)
        return _pair_page(view, 422, form)
    decision = service.decide(db.session, ctx, current_user, pair_id, form.decision.data)
    if not decision.ok:
        audit.record(db.session, ctx, "duplicates.denied", actor_id=current_user.id, outcome=str(pair_id))
        abort(404)
    if wants_fragment():
        return _pair_page(service.pair_view(db.session, ctx, current_user, pair_id))
    return redirect(url_for("supervisor.duplicate_pair", pair_id=pair_id))
