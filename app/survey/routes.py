"""Views of the questionnaire: each parses the form, calls one service, renders the section."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..area_choices import district_of, tehsil_choices
from ..domain.questionnaire import SECTIONS
from ..domain.roles import Role
from ..extensions import db
from ..idempotency import idempotent, new_key
from ..models import Area, Household, HouseholdMember
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import audit, cross_checks
from ..services import questionnaire as service
from ..unit_of_work import service_context
from . import bp
from .answers import members_summary, summary
from .choices import label_of, problem_text, section_title
from .forms import SECTION_FORMS, MemberForm

ROLES_BY_BLUEPRINT = {"enumerator_survey": (Role.ENUMERATOR, Role.ADMIN), "citizen_survey": (Role.CITIZEN,)}


def _url(endpoint: str, **values) -> str:
    return url_for(f"{request.blueprint}.{endpoint}", **values)


@bp.context_processor
def survey_helpers() -> dict:
    """Only for the questionnaire's own pages (both doors), not for every page of the portal."""
    return {"survey_url": _url, "label_of": label_of, "problem_text": problem_text, "SECTIONS": SECTIONS,
            "section_title": section_title}


def _household(household_id: int, *, page: str | None = None) -> Household:
    """The household, if this user may open it here; otherwise 404, and the attempt is logged. `page`: the
    page about to show the household's data; when it is a read (GET), one audit entry says who read which
    page (added to the session, written with the request's commit: no query of its own)."""
    if current_user.role not in ROLES_BY_BLUEPRINT.get(request.blueprint, ()):
        abort(403)
    household = db.session.get(Household, household_id)
    if household is None or not service.may_open(db.session, current_user, household):
        # Committed with the 404 answer (see app.unit_of_work).
        audit.record(db.session, service_context(), "household.denied", actor_id=current_user.id,
                     cnic=household.head_cnic if household else None, outcome=str(household_id),
                     household_id=household.id if household else None)
        abort(404)
    if page is not None and request.method == "GET":
        # The enumerator's flow is the survey; an admin opening it states no reason; a citizen reads their own.
        reason = audit.REASON_SURVEY if current_user.role == Role.ENUMERATOR else None
        audit.record_household_read(db.session, service_context(), household, actor=current_user, reason=reason,
                                    ip=request.remote_addr, detail={"page": page})
    return household


def _context(household: Household, section: str, **extra) -> dict:
    return {"household": household, "section": section, "problems": service.open_problems(household),
            "reasons": household.return_reasons or {}, "editable": household.status in service.EDITABLE, **extra}


def _fresh(form, household: Household):
    form.version.data = str(household.version)
    form.idempotency_key.data = new_key()
    return form


def _tehsil_choices(household: Household) -> list[SelectChoice]:
    """The tehsils of the household's (or the enumerator's) district; all of Punjab when neither is known
    (a citizen filling the questionnaire from home)."""
    return tehsil_choices(db.session, district_of(household.area) or district_of(current_user.area))


@bp.get("/<int:household_id>/")
@login_required
def start(household_id: int):
    household = _household(household_id)
    saved = household.sections_saved or {}
    first_open = next((s for s in SECTIONS if s not in saved), "review")
    return redirect(_url("section", household_id=household.id, section=first_open))


@bp.route("/<int:household_id>/<section>", methods=["GET", "POST"])
@login_required
@idempotent
def section(household_id: int, section: str):
    if section == "members":
        return members(household_id)
    if section == "review":
        return review(household_id)
    if section not in SECTION_FORMS:
        abort(404)
    household = _household(household_id, page=section)
    form_class = SECTION_FORMS[section]
    form = form_class(obj=household) if request.method == "GET" else form_class()
    if section == "consent":
        form.tehsil.choices = _tehsil_choices(household)
        if request.method == "GET" and household.area is not None and household.area.level == "tehsil":
            form.tehsil.data = household.area.code
    if request.method == "GET":
        return render_page("survey/section.html", **_context(household, section, form=_fresh(form, household)))
    if not form.validate():
        return render_page("survey/section.html", "section_form", status=422,
                           **_context(household, section, form=form))
    result = service.save_section(db.session, service_context(), household, section, _values(section, form),
                                  expected_version=form.expected_version(), actor=current_user)
    return _after_save(result, household, section, form)


def _values(section: str, form) -> dict:
    data = form.answers()
    if section == "consent":
        area = db.session.query(Area).filter_by(code=form.tehsil.data).first() if form.tehsil.data else None
        data["area_id"] = area.id if area is not None else None
    return data


def _after_save(result, household: Household, section: str, form):
    if result.ok:
        following = SECTIONS[SECTIONS.index(section) + 1]
        target = _url("section", household_id=household.id, section=following)
        return htmx_redirect(target) if wants_fragment() else redirect(target)
    if result.reason == "conflict":
        return _conflict_page(result, section, form)
    abort(409)


def _conflict_page(result, section: str, form, **extra):
    """Told, not overwritten: the page shows what differs and keeps the user's answers in a form made
    from the latest version, so saving again is a deliberate choice."""
    household = result.household
    form.version.data = str(household.version)
    form.idempotency_key.data = new_key()
    if section == "consent":
        form.tehsil.choices = _tehsil_choices(household)
    response = render_page("survey/conflict.html", status=409,
                           **_context(household, section, changed=result.changed, form=form, **extra))
    response.headers["HX-Retarget"] = "#main"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.post("/<int:household_id>/<section>/check")
@login_required
def check(household_id: int, section: str):
    """Validation as the user leaves a field: the form block with its messages, 422 while any stands.
    Nothing is saved; the page swaps in only the message of the field that changed."""
    household = _household(household_id)
    if section == "members":
        form = MemberForm()
        ok = form.validate()
        return render_page("survey/members.html", "member_form", status=200 if ok else 422,
                           **_context(household, "members", form=form, editing=None))
    if section not in SECTION_FORMS:
        abort(404)
    form = SECTION_FORMS[section]()
    if section == "consent":
        form.tehsil.choices = _tehsil_choices(household)
    ok = form.validate()
    return render_page("survey/section.html", "section_form", status=200 if ok else 422,
                       **_context(household, section, form=form))


# --- members -------------------------------------------------------------------------------------


def members(household_id: int):
    household = _household(household_id, page="members")
    form = MemberForm()
    if request.method == "GET":
        return render_page("survey/members.html", **_context(household, "members", form=_fresh(form, household),
                                                               editing=None))
    if not form.validate():
        return render_page("survey/members.html", "member_form", status=422,
                           **_context(household, "members", form=form, editing=None))
    result = service.save_member(db.session, service_context(), household, None, _member_values(form),
                                 expected_version=form.expected_version(), actor=current_user)
    return _after_member(result, household, form)


def _member_values(form: MemberForm) -> dict:
    return form.answers()


def _after_member(result, household: Household, form):
    if result.ok:
        db.session.refresh(household)
        if wants_fragment():
            # The list and a fresh form (new version, new key) replace the whole member area.
            response = render_page("survey/members.html", "member_area",
                                   **_context(household, "members", form=_fresh(MemberForm(formdata=None), household),
                                              editing=None))
            response.headers["HX-Retarget"] = "#member-area"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return redirect(_url("section", household_id=household.id, section="members"))
    if result.reason == "conflict":
        return _conflict_page(result, "members", form, editing=None)
    abort(409 if result.reason == "not_editable" else 404)


@bp.route("/<int:household_id>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
@idempotent
def member(household_id: int, member_id: int):
    household = _household(household_id, page="member")
    existing = db.session.get(HouseholdMember, member_id)
    if existing is None or existing.household_id != household.id:
        abort(404)
    if request.method == "GET":
        form = _fresh(MemberForm(obj=existing), household)
        return render_page("survey/members.html", "member_form",
                           **_context(household, "members", form=form, editing=existing))
    form = MemberForm()
    if not form.validate():
        return render_page("survey/members.html", "member_form", status=422,
                           **_context(household, "members", form=form, editing=existing))
    result = service.save_member(db.session, service_context(), household, member_id, _member_values(form),
                                 expected_version=form.expected_version(), actor=current_user)
    return _after_member(result, household, form)


@bp.post("/<int:household_id>/members/<int:member_id>/remove")
@login_required
@idempotent
def remove_member(household_id: int, member_id: int):
    household = _household(household_id)
    form = MemberForm()
    result = service.remove_member(db.session, service_context(), household, member_id,
                                   expected_version=form.expected_version(), actor=current_user)
    return _after_member(result, household, form)


# --- review and submit ---------------------------------------------------------------------------


def review(household_id: int):
    household = _household(household_id, page="review")
    form = MemberForm(formdata=None) if request.method == "GET" else MemberForm()
    if request.method == "GET":
        return render_page("survey/review.html", **_context(household, "review", form=_fresh(form, household),
                                                            summary=summary(household),
                                                            members_summary=members_summary(household),
                                                            flags=_flags(household)))
    result = service.submit(db.session, service_context(), household, expected_version=form.expected_version(),
                            actor=current_user)
    if result.ok:
        target = url_for("enumerator.home") if current_user.role != Role.CITIZEN else url_for("public.me")
        return htmx_redirect(target) if wants_fragment() else redirect(target)
    if result.reason == "conflict":
        return redirect(_url("section", household_id=household.id, section="review"))
    return render_page("survey/review.html", status=422, **_context(household, "review", form=_fresh(form, household),
                                                                    summary=summary(household),
                                                                    members_summary=members_summary(household),
                                                                    flags=_flags(household)))


def _flags(household: Household) -> list:
    """The cross-checks' flags, for the enumerator to fix their own mistakes before a supervisor sees them;
    not on a citizen's own page (they may name other households)."""
    return [] if current_user.role == Role.CITIZEN else cross_checks.flags_of(db.session, household.id)
