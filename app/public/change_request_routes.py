"""The citizen's changes and corrections: their requests with each one's state (/me/requests), and a short
form per kind of change (/me/requests/new?kind=…)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..area_choices import tehsil_choices
from ..domain.change_requests import MAX_OPEN, Kind
from ..domain.roles import Role
from ..extensions import db
from ..helpline import helpline_number
from ..idempotency import idempotent, new_key
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import change_requests as service
from ..services.keyset import BadCursor
from ..survey.choices import label_of
from ..unit_of_work import service_context
from . import bp
from .change_request_forms import FORMS, KIND_NAMES

PROBLEMS = {"required": lambda: _("Please answer this question."),
            "future": lambda: _("The date cannot be in the future."),
            "too_old": lambda: _("Please check the year."),
            "too_long": lambda: _("Please write less."),
            "relation_sex": lambda: _("This relation does not fit the child's sex."),
            "out_of_range": lambda: _("Please check the number.")}


def _citizen():
    if current_user.role != Role.CITIZEN:
        abort(403)
    if not current_user.is_verified:
        return None
    return current_user


@bp.get("/me/requests")
@login_required
def my_requests():
    user = _citizen()
    if user is None:
        return redirect(url_for("public.verify"))
    try:
        page = service.citizen_requests(db.session, user, cursor=request.args.get("cursor") or None)
    except BadCursor:
        abort(404)
    return render_page("public/requests.html", "requests", requests=page.rows, page=page, household=user.household,
                       may_ask=service.may_ask(user.household), kind_names=KIND_NAMES)


def _form(kind: Kind, household, formdata=None):
    form = FORMS[kind]() if formdata is None else FORMS[kind](formdata=formdata)
    if hasattr(form, "offer"):
        form.offer(household.members, lambda key: label_of("relation", key))
    if kind == Kind.MOVE:
        form.tehsil.choices = tehsil_choices(db.session)
    return form


def _new_page(kind, household, form=None, status: int = 200, notice: str | None = None):
    if form is not None and not form.idempotency_key.data:
        form.idempotency_key.data = new_key()
    return render_page("public/request_new.html", "request_form", status=status, kind=kind, form=form,
                       household=household, may_ask=service.may_ask(household), kind_names=KIND_NAMES,
                       notice=notice, helpline=helpline_number())


@bp.route("/me/requests/new", methods=["GET", "POST"])
@login_required
@idempotent
def new_request():
    user = _citizen()
    if user is None:
        return redirect(url_for("public.verify"))
    household = user.household
    try:
        kind = Kind(request.args.get("kind") or "")
    except ValueError:
        kind = None
    if kind is None or not service.may_ask(household):
        # Choose the kind first; or told why this household cannot ask yet.
        return _new_page(None, household, status=422 if request.method == "POST" else 200)
    if request.method == "GET":
        return _new_page(kind, household, _form(kind, household, formdata=None))
    form = _form(kind, household, formdata=request.form)
    if not form.validate():
        return _new_page(kind, household, form, 422)
    result = service.file_request(db.session, service_context(), user, kind, form.details(), ip=request.remote_addr)
    if result.ok:
        flash(_("Your request is received. We will send you an SMS at each step."), "success")
        target = url_for("public.my_requests")
        return htmx_redirect(target) if wants_fragment() else redirect(target)
    if result.reason == "too_many":
        return _new_page(kind, household, form, 422, notice=_(
            "Your household already has %(n)s open requests. Please wait until one is decided.", n=MAX_OPEN))
    if result.reason == "invalid":
        for name, code in result.problems.items():
            if name in form:
                form[name].errors = [PROBLEMS.get(code, PROBLEMS["required"])()]
        return _new_page(kind, household, form, 422)
    return _new_page(None, household, status=422)


def _details(request_):
    from ..change_request_texts import request_details

    return request_details(db.session, request_)


def _latest(user):
    return service.latest_requests(db.session, user) if user.is_authenticated and user.role == Role.CITIZEN else []


# The citizen's pages, /me's partial and staff's queue read requests the same way.
from ..change_request_texts import kind_name, state_name  # noqa: E402

bp.add_app_template_global(kind_name, "request_kind")
bp.add_app_template_global(state_name, "request_state")
bp.add_app_template_global(_details, "request_details")
bp.add_app_template_global(_latest, "my_latest_requests")
