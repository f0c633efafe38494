"""/admin/staff: staff accounts listed, created, edited, deactivated and given one-time passwords."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.sessions import role_required
from ..domain.cnic import typed_prefix
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language
from ..models import Area, User, UserArea
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import audit
from ..services.users import (STAFF_AREA_LEVELS, StaffChange, UserInputError, create_user, one_time_password,
                              reset_staff_password, set_active, staff_area_ids, staff_page, update_staff)
from ..unit_of_work import service_context
from . import bp
from .routes import AUDIT_ACTIONS, AUDIT_OUTCOMES
from .staff_forms import ROLE_LABELS, ActionForm, PasswordResetForm, StaffEditForm, StaffForm

# What each refused change tells the administrator.
RULE_MESSAGES = {
    "last_admin": _l("This is the last active administrator: make another administrator first."),
    "own_role": _l("You cannot change your own role. Ask another administrator."),
    "own_account": _l("You cannot deactivate your own account. Ask another administrator."),
    "area_needed": _l("An enumerator or a supervisor needs an area."),
    "one_area_only": _l("Only a supervisor can have several areas. Choose one."),
    "cnic_taken": _l("An account with this CNIC exists already."),
    "not_staff": _l("This is not a staff account."),
    "no_mobile": _l("This account has no mobile number: show the one-time password instead."),
}
# How the audit log's pages name what these pages record (added to the admin's tables of actions and outcomes).
AUDIT_ACTIONS.update({
    "user.update": _l("Staff account changed"),
    "staff.search": _l("Staff searched by CNIC"),
    "user.deactivate": _l("Staff account deactivated"),
    "user.activate": _l("Staff account reactivated"),
    "user.password_reset": _l("One-time password given"),
    "password.change": _l("Own password chosen"),
    "schedule.create": _l("Survey scheduled"),
    "announcement.create": _l("Announcement saved"),
    "announcement.end": _l("Announcement stopped"),
})
AUDIT_OUTCOMES.update({"shown": _l("shown once"), "sms": _l("sent by SMS"),
                       "expired_password": _l("refused: one-time password expired")})
LEVEL_LABELS = {"division": _l("Divisions"), "district": _l("Districts"), "tehsil": _l("Tehsils")}


def _area_choices(blank: str | None = None) -> list[SelectChoice]:
    lang = current_language()
    areas = db.session.scalars(select(Area).where(Area.level.in_(STAFF_AREA_LEVELS))).all()
    order = {level: i for i, level in enumerate(STAFF_AREA_LEVELS)}
    options = [SelectChoice(a.code, a.name(lang), optgroup=str(LEVEL_LABELS[a.level]))
               for a in sorted(areas, key=lambda a: (order[a.level], a.name_en))]
    return ([SelectChoice("", blank)] if blank else []) + options


def _go(target: str):
    return htmx_redirect(target) if wants_fragment() else redirect(target)


def _chosen_areas(form) -> list[Area] | None:
    """The areas chosen, in the order chosen; None (with the field marked) when one is unknown."""
    codes = [c for c in (form.areas.data or []) if isinstance(c, str) and c]
    if not codes:
        return []
    found = {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(codes[:20]),
                                                                     Area.level.in_(STAFF_AREA_LEVELS)))}
    if len(codes) > 20 or any(c not in found for c in codes):
        form.areas.errors = [_("Choose areas from the list.")]
        return None
    return [found[c] for c in dict.fromkeys(codes)]


def _staff_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role == Role.CITIZEN:
        abort(404)
    return user


@bp.route("/staff", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def staff():
    """A CNIC search is a POST (a CNIC never stands in a URL); filters by role and area are plain links."""
    args = request.form if request.method == "POST" else request.args
    role = args.get("role") if args.get("role") in ROLE_LABELS else None
    area_code = (args.get("area") or "")[:20]
    area = db.session.scalars(select(Area).where(Area.code == area_code)).first() if area_code else None
    query = (request.form.get("q") or "")[:20] if request.method == "POST" else ""
    prefix = typed_prefix(query)
    page = staff_page(db.session, role=role, area_id=area.id if area else None, cnic_prefix=prefix or None,
                      cursor=args.get("cursor") or None)
    if prefix:  # a search by CNIC reads the accounts it finds: audited, one entry a page
        audit.record(db.session, service_context(), "staff.search", actor_id=current_user.id,
                     cnic=prefix if len(prefix) == 15 else None, ip=request.remote_addr, outcome=str(len(page.rows)),
                     detail={"users": [u.id for u in page.rows]})
    # Each listed account's areas, the primary first: two small queries for the page, not one per row.
    links = db.session.execute(select(UserArea.user_id, UserArea.area_id).where(
        UserArea.user_id.in_([u.id for u in page.rows]))).all()
    areas = {a.id: a for a in db.session.scalars(select(Area).where(
        Area.id.in_({u.area_id for u in page.rows if u.area_id} | {area_id for _, area_id in links})))}
    user_areas = {u.id: [u.area_id] if u.area_id else [] for u in page.rows}
    for user_id, area_id in sorted(links):
        if area_id not in user_areas[user_id]:
            user_areas[user_id].append(area_id)
    filters = {key: value for key, value in (("role", role), ("area", area.code if area else "")) if value}
    return render_page("admin/staff.html", "staff_list", staff=page.rows, page=page, role=role, filters=filters,
                       area_code=area.code if area else "", query=query, role_labels=ROLE_LABELS, areas=areas,
                       user_areas=user_areas,
                       area_choices=_area_choices(_("All areas")))


def _form_page(template_form, *, status: int = 200, user: User | None = None, one_time: str | None = None,
               refusal: str | None = None):
    return render_page("admin/staff_form.html", "staff_form", status=status, form=template_form, user=user,
                       role_labels=ROLE_LABELS, password_form=PasswordResetForm(), action_form=ActionForm(),
                       one_time=one_time, refusal=refusal)


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def staff_new():
    """A new staff account gets a one-time password, shown once here: the first sign-in changes it."""
    form = StaffForm()
    form.areas.choices = _area_choices()
    if request.method == "POST" and form.validate():
        areas = _chosen_areas(form)
        if areas is not None:
            password = one_time_password()
            try:
                user = create_user(db.session, service_context(), role=form.role.data, cnic=form.cnic.data,
                                   name=form.full_name.data, password=password, areas=areas, mobile=form.mobile.data,
                                   check_password_strength=False, must_change_password=True, actor_id=current_user.id)
            except UserInputError as error:
                field = form.cnic if error.code == "cnic_taken" else form.areas
                field.errors = [str(RULE_MESSAGES.get(error.code, error))]
            else:
                edit = StaffEditForm(obj=user, formdata=None)
                edit.areas.choices = _area_choices()
                response = _form_page(edit, user=user, one_time=password)
                response.headers["Cache-Control"] = "no-store"
                return response
    return _form_page(form, status=422 if request.method == "POST" else 200)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def staff_edit(user_id: int):
    user = _staff_or_404(user_id)
    form = StaffEditForm(obj=user) if request.method == "POST" else StaffEditForm(formdata=None, obj=user)
    form.areas.choices = _area_choices()
    if request.method == "GET":
        codes = dict(db.session.execute(select(Area.id, Area.code)).all())
        form.areas.data = [codes[i] for i in staff_area_ids(db.session, user) if i in codes]
        return _form_page(form, user=user)
    if form.validate():
        areas = _chosen_areas(form)
        if areas is not None:
            try:
                update_staff(db.session, service_context(), current_user, user,
                             StaffChange(name=form.full_name.data, role=form.role.data, areas=areas,
                                         mobile=form.mobile.data))
            except UserInputError as error:
                field = form.role if error.code in ("own_role", "last_admin", "not_staff") else form.areas
                field.errors = [str(RULE_MESSAGES.get(error.code, error))]
            else:
                flash(_("The changes are saved."), "success")
                return _go(url_for("admin.staff_edit", user_id=user.id))
    db.session.refresh(user)  # a refused change leaves the account as it was
    return _form_page(form, status=422, user=user)


def _refused(user: User, error: UserInputError):
    form = StaffEditForm(formdata=None, obj=user)
    form.areas.choices = _area_choices()
    return _form_page(form, status=422, user=user, refusal=str(RULE_MESSAGES.get(error.code, error)))


@bp.post("/staff/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def staff_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/staff/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def staff_reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _staff_or_404(user_id)
    if not ActionForm().validate():
        abort(400)
    try:
        set_active(db.session, service_context(), current_user, user, active)
    except UserInputError as error:
        return _refused(user, error)
    flash(_("The account is active again.") if active else
          _("The account is deactivated: it cannot sign in, and its open sessions have ended."), "success")
    return _go(url_for("admin.staff_edit", user_id=user.id))


@bp.post("/staff/<int:user_id>/password")
@role_required(Role.ADMIN)
def staff_password(user_id: int):
    """A one-time password, shown once on the answer (never stored plain, never in a URL) or sent by SMS."""
    user = _staff_or_404(user_id)
    form = PasswordResetForm()
    if not form.validate():
        abort(400)
    try:
        password = reset_staff_password(db.session, service_context(), current_user, user,
                                        by_sms=form.delivery.data == "sms")
    except UserInputError as error:
        return _refused(user, error)
    if password is None:
        flash(_("A one-time password was sent by SMS to the staff member's mobile."), "success")
        return _go(url_for("admin.staff_edit", user_id=user.id))
    edit = StaffEditForm(formdata=None, obj=user)
    edit.areas.choices = _area_choices()
    response = _form_page(edit, user=user, one_time=password)
    response.headers["Cache-Control"] = "no-store"
    return response
