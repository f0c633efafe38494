"""The supervisor's home: their area's households by state, the oldest submitted ones to review, and the
complaints escalated to them, a page at a time; the review queue with its filters; one household read-only
with its flags, timeline and revisions; and the decisions on it (approve, return, reject, reopen)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.household_status import HouseholdStatus
from ..domain.roles import Role
from ..extensions import db
from ..forms_common import record_number
from ..idempotency import idempotent, new_key
from ..models import Area, Household
from ..rendering import render_page, wants_fragment
from ..services import audit, cross_checks
from ..services import review as service
from ..services.complaints import escalated_to
from ..services.overview import households_by_status
from ..survey.answers import members_summary, summary
from ..survey.choices import label_of, section_title
from ..unit_of_work import service_context
from . import bp
from .forms import ApproveForm, RejectForm, ReopenForm, ReturnForm
from .review_texts import AGE_CHOICES, change_reason, compared_sections, flag_name, flag_message, problem_message

REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)
# The citizen's page names the sections a supervisor returned (public/me_review.html).
bp.add_app_template_global(section_title, "section_title")


@bp.get("/")
@role_required(*REVIEWERS)
def home():
    area = current_user.area
    page = escalated_to(db.session, current_user, cursor=request.args.get("cursor") or None)
    counts, oldest = {}, []
    if not wants_fragment():
        counts = households_by_status(db.session, area)
        oldest = service.review_queue(db.session, current_user, limit=5).rows
    return render_page("supervisor/home.html", "escalated", area=area, counts=counts, escalated=page.rows, page=page,
                       oldest=oldest)


# --- the review queue ---------------------------------------------------------------------------------


def _tehsils() -> list[Area]:
    """The tehsils the supervisor may filter by: those of their district (none for a tehsil's supervisor)."""
    area = current_user.area
    if area is None or area.level != "district":
        return []
    return sorted((a for a in area.children if a.level == "tehsil"), key=lambda a: a.name_en)


def _filters(tehsils: list[Area], enumerators) -> tuple[dict, dict]:
    """(the service's filter arguments, the parameters the page's links carry on), from the query string;
    anything not on offer is ignored."""
    args = request.args
    tehsil = next((a for a in tehsils if a.code == args.get("tehsil")), None)
    enumerator_id = record_number(args.get("enumerator") or "")
    enumerator_id = enumerator_id if any(e.id == enumerator_id for e in enumerators) else None
    flags = args.get("flags") if args.get("flags") in ("1", "0") else None
    code = (args.get("flag") or "")[:40] or None
    older = record_number(args.get("older") or "")
    older = older if older in AGE_CHOICES else None
    arguments = {"flagged": {"1": True, "0": False}.get(flags), "flag_code": code,
                 "enumerator_id": enumerator_id, "tehsil_id": tehsil.id if tehsil else None, "older_than_days": older}
    params = {key: value for key, value in (("flags", flags), ("flag", code), ("enumerator", enumerator_id),
                                            ("tehsil", tehsil.code if tehsil else None), ("older", older)) if value}
    return arguments, params


@bp.get("/queue")
@role_required(*REVIEWERS)
def queue():
    tehsils = _tehsils()
    enumerators = service.area_enumerators(db.session, current_user)
    arguments, params = _filters(tehsils, enumerators)
    page = service.review_queue(db.session, current_user, cursor=request.args.get("cursor") or None, **arguments)
    if page.rows:  # the queue names heads: a read of a list, one entry a page
        audit.record_list_read(db.session, service_context(), page.rows, actor=current_user, ip=request.remote_addr,
                               reason=audit.REASON_REVIEW)
    codes = [] if wants_fragment() else service.flag_codes(db.session)
    return render_page("supervisor/queue.html", "queue", households=page.rows, page=page, params=params,
                       tehsils=tehsils, enumerators={e.id: e for e in enumerators}, codes=codes,
                       age_choices=AGE_CHOICES, flag_name=flag_name, area=current_user.area)


# --- one household ------------------------------------------------------------------------------------


def _household(household_id: int) -> Household:
    """The household, if this reviewer may open it; otherwise 404, and the attempt is logged."""
    household = db.session.get(Household, household_id)
    if household is None or not service.may_review(db.session, current_user, household):
        audit.record(db.session, service_context(), "household.denied", actor_id=current_user.id,
                     cnic=household.head_cnic if household else None, outcome=str(household_id),
                     household_id=household.id if household else None)
        abort(404)
    return household


def _fresh(form, household: Household):
    form.version.data = str(household.version)
    form.idempotency_key.data = new_key()
    return form


def _page(household: Household, status: int = 200, *, notice: str | None = None, **forms):
    defaults = {"approve_form": ApproveForm, "return_form": ReturnForm, "reject_form": RejectForm,
                "reopen_form": ReopenForm}
    for name, form_class in defaults.items():
        if name not in forms:
            forms[name] = _fresh(form_class(formdata=None), household)
        else:  # a refused form is shown again with what was typed, made from the current version
            _fresh(forms[name], household)
    flags = cross_checks.flags_of(db.session, household.id)
    members = {m.id: m for m in household.members}
    return render_page(
        "supervisor/household.html", status=status, household=household, notice=notice,
        summary=summary(household), members_summary=members_summary(household),
        flags=flags, flag_message=flag_message, flag_name=flag_name, members=members,
        timeline=service.timeline(db.session, household), change_reason=change_reason,
        compared=compared_sections(service.revisions_compared(db.session, household)),
        reasons=household.return_reasons or {}, section_title=section_title, label_of=label_of,
        decidable=household.status == HouseholdStatus.SUBMITTED,
        reopenable=household.status == HouseholdStatus.VERIFIED, **forms)


@bp.get("/households/<int:household_id>")
@role_required(*REVIEWERS)
def household(household_id: int):
    item = _household(household_id)
    # Reading a household's answers is a read of personal data: one audit entry per look.
    audit.record_household_read(db.session, service_context(), item, actor=current_user, reason=audit.REASON_REVIEW,
                                ip=request.remote_addr, detail={"page": "supervisor.review"})
    return _page(item)


@dataclass(frozen=True)
class Decision:
    """One of the review's decisions: its form, the service that takes it, what the form gives the service,
    and what the supervisor is told once it is taken and when it had been taken already."""

    form_name: str
    form: type
    take: Callable
    values: Callable
    done: object
    already: object


DECISIONS = {
    "approve": Decision("approve_form", ApproveForm, service.approve, lambda f: {"note": f.note.data},
                        _l("Approved: the household is verified."), _l("This household is already approved.")),
    "return": Decision("return_form", ReturnForm, service.return_for_fixes, lambda f: {"reasons": f.reasons()},
                       _l("Returned to the enumerator with your reasons."),
                       _l("This household has already been returned.")),
    "reject": Decision("reject_form", RejectForm, service.reject, lambda f: {"reason": f.reason.data},
                       _l("Rejected: the household has been told the reason."),
                       _l("This household has already been rejected.")),
    "reopen": Decision("reopen_form", ReopenForm, service.reopen, lambda f: {"reason": f.reason.data},
                       _l("Opened again: the next submit makes a new revision."),
                       _l("This household is already open for changes.")),
}


@role_required(*REVIEWERS)
@idempotent
def decide(household_id: int, decision: str):
    """Approve, return, reject or reopen: each form carries the version its page was made from."""
    item = _household(household_id)
    kind = DECISIONS[decision]
    form = kind.form()
    if not form.validate():
        return _page(item, 422, **{kind.form_name: form})
    result = kind.take(db.session, service_context(), item, expected_version=form.expected_version(),
                       actor=current_user, **kind.values(form))
    if result.ok:
        flash(str(kind.done), "success")
        return redirect(url_for("supervisor.queue"))
    if result.reason == "forbidden":
        abort(404)
    if result.reason == "invalid":  # the service's own checks, said beside the field concerned
        for name, code in result.problems.items():
            field = next((form[n] for n in (name, f"reason_{name}", f"reason_{service.RETURNABLE_SECTIONS[0]}") if n in form), None)
            if field is not None:
                field.errors = [problem_message(code)]
        return _page(item, 422, **{kind.form_name: form})
    # Nothing changed: someone decided first, or the household is not waiting for this decision.
    notice = {"already": kind.already,
              "conflict": _l("Someone changed this household after you opened it. Nothing was saved: read it again and decide."),
              "not_allowed": _l("This household is not waiting for this decision now. Nothing was saved.")}[result.reason]
    return _page(item, 200 if result.reason == "already" else 409, notice=str(notice))


# One view, one plain URL per decision (…/approve, …/return, …/reject, …/reopen): url_for("supervisor.decide",
# household_id=…, decision=…) builds each.
for _name in DECISIONS:
    bp.add_url_rule(f"/households/<int:household_id>/{_name}", endpoint="decide", view_func=decide,
                    methods=["POST"], defaults={"decision": _name})
