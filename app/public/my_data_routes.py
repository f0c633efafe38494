"""The citizen's own data: who looked at it (/me/access, and the latest lines on /me), with a privacy
complaint about any line in one step; and what the registry holds (/me/data, and /me/data.json to keep)."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Response, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit_texts import access_reason, access_role
from ..change_request_texts import kind_name
from ..change_request_texts import state_name as request_state_name
from ..complaint_texts import complaint_category, complaint_state
from ..domain.catalogue import CATALOGUE
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language, when
from ..idempotency import idempotent
from ..models.base import utcnow
from ..rendering import render_page
from ..score_texts import band_name, citizen_reasons, household_score, score_number
from ..services import audit_trail, my_data
from ..services.complaints import TooManyOpenComplaints
from ..stage_texts import stage_name
from ..survey.answers import answer_text
from ..survey.choices import section_title
from ..unit_of_work import service_context
from . import bp

bp.add_app_template_global(access_role, "access_role")
bp.add_app_template_global(access_reason, "access_reason")
ON_ME = 3  # lines of "who looked" on /me


@bp.app_template_filter("iso_when")
def iso_when(value: str | None) -> str:
    """A time of the my-data document (ISO text) as the reader's language writes it."""
    return when(datetime.fromisoformat(value)) if value else ""


def _citizen():
    """The signed-in, verified citizen (staff have no household of their own here)."""
    if current_user.role != Role.CITIZEN:
        abort(403)
    if not current_user.is_verified:
        return None
    return current_user


@bp.app_template_global("my_access_lines")
def my_access_lines(user, limit: int = ON_ME):
    """The latest reads of the citizen's data by staff, for /me."""
    lines, page = audit_trail.who_looked(db.session, service_context(), user, limit=limit)
    return lines, page.next_cursor is not None


# --- who looked at my data -----------------------------------------------------------------------------


def _access_page(status: int = 200, *, filed=None, refusal: str | None = None):
    lines, page = audit_trail.who_looked(db.session, service_context(), current_user,
                                         request.args.get("cursor") or None)
    return render_page("public/me_access.html", "access_list", status=status, lines=lines, page=page, filed=filed,
                       refusal=refusal)


@bp.get("/me/access")
@login_required
def my_access():
    if _citizen() is None:
        return redirect(url_for("public.verify"))
    return _access_page()


def _describe(line: audit_trail.AccessLine) -> str:
    """The complaint's text, in the citizen's language, naming the read so the helpdesk can find it."""
    area = line.area.name(current_language()) if line.area else _("area not recorded")
    return _("Privacy complaint about a look at my household's data on %(date)s by %(role)s (%(area)s). Reason "
             "given: %(reason)s. Audit entry %(entry)s.", date=when(line.at), role=access_role(line.role), area=area,
             reason=access_reason(line.reason), entry=line.entry_id)


@bp.post("/me/access/<int:entry_id>/complaint")
@login_required
@idempotent
def complain_about_access(entry_id: int):
    """One step: the button of a line files a privacy complaint about that read."""
    if _citizen() is None:
        return redirect(url_for("public.verify"))
    try:
        complaint = audit_trail.file_privacy_complaint(
            db.session, service_context(), current_user, entry_id, describe=_describe, locale=current_language(),
            ip=request.remote_addr)
    except TooManyOpenComplaints:
        return _access_page(422, refusal=_("You already have too many open complaints. Please track them, or wait "
                                           "until they are resolved."))
    if complaint is None:
        abort(404)
    return _access_page(filed=complaint)


# --- my data -----------------------------------------------------------------------------------------------


def _answers(record) -> list[dict]:
    return [{"section": section, "title": section_title(section),
             "questions": [{"key": q.key, "question": _(q.label), "answer": answer_text(q, q.value_on(record))}
                           for q in CATALOGUE.section(section)]}
            for section in CATALOGUE.sections]


def _members(record) -> list[dict]:
    return [{"position": getattr(member, "position", None),
             "answers": [{"key": q.key, "question": _(q.label), "answer": answer_text(q, q.value_on(member))}
                         for q in CATALOGUE.section("members")]}
            for member in record.members]


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def _score(household, user) -> dict | None:
    explained = household_score(household)
    if household.score is None:
        return None
    return {"score": score_number(household.score), "band": household.score_band,
            "band_name": band_name(explained.evaluation.band) if explained else household.score_band,
            "scored_at": _time(household.scored_at),
            "lowered_by": [_(line.source.reason) for line in citizen_reasons(explained, household, user)]}


def _document(records: my_data.MyRecords) -> dict:
    """What the registry holds about the citizen's household, in their language, with stable keys: the page
    shows it and the JSON file is it."""
    user, household = records.user, records.household
    document = {
        "generated_at": utcnow().isoformat(),
        "language": current_language(),
        "account": {"full_name": user.full_name, "cnic": user.cnic, "mobile": user.mobile, "network": user.network,
                    "email": user.email, "registered_at": _time(user.created_at),
                    "mobile_verified_at": _time(user.mobile_verified_at)},
        "household": None,
        "complaints": [{"tracking_no": c.tracking_no, "category": c.category,
                        "category_name": complaint_category(c.category), "state": c.state,
                        "state_name": complaint_state(c.state), "filed_at": _time(c.created_at),
                        "description": c.description, "resolution": c.resolution} for c in records.complaints],
        "sms": [{"created_at": _time(m.created_at), "sent_at": _time(m.sent_at), "purpose": m.purpose,
                 "status": m.status, "text": my_data.sms_text(m)} for m in records.sms],
        "change_requests": [{"kind": r.kind, "kind_name": kind_name(r.kind), "state": r.state,
                             "state_name": request_state_name(r.state), "filed_at": _time(r.created_at),
                             "decided_at": _time(r.decided_at), "details": r.details, "reason": r.reason}
                            for r in records.change_requests],
    }
    if household is not None:
        document["household"] = {
            "id": household.id, "status": household.status, "status_name": stage_name(household.status),
            "area": household.area.name(current_language()) if household.area else None,
            "self_declared": bool(household.self_declared), "registered_at": _time(household.created_at),
            "answers": _answers(household), "members": _members(household),
            "score": _score(household, user),
            "status_history": [{"at": _time(c.at), "from": c.from_status, "to": c.to_status,
                                "to_name": stage_name(c.to_status), "reason": c.reason} for c in records.history],
            "revisions": [{"number": r.revision.number, "reason": r.revision.reason,
                           "created_at": _time(r.revision.created_at), "answers": _answers(r.record),
                           "members": _members(r.record)} for r in records.revisions],
        }
    return document


@bp.get("/me/data")
@login_required
def my_data_page():
    if _citizen() is None:
        return redirect(url_for("public.verify"))
    records = my_data.my_records(db.session, service_context(), current_user, how="page", ip=request.remote_addr)
    return render_page("public/me_data.html", "my_data", data=_document(records))


@bp.get("/me/data.json")
@login_required
def my_data_json():
    if _citizen() is None:
        return redirect(url_for("public.verify"))
    records = my_data.my_records(db.session, service_context(), current_user, how="json", ip=request.remote_addr)
    body = json.dumps(_document(records), ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="pser-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
