"""/admin/schedules: survey schedules per district or tehsil, and the announcements of the home page."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..i18n import current_language, when
from ..models import Announcement, Area
from ..public.schedule_display import forget_cached_announcements
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services.announcements import (AnnouncementError, AnnouncementInput, create_announcement, end_announcement,
                                      recent_announcements)
from ..services.schedules import SCHEDULED_AREA_LEVELS, ScheduleError, ScheduleInput, create_schedule, schedules_page
from ..unit_of_work import service_context
from . import bp
from .staff_forms import ActionForm, AnnouncementForm, ScheduleForm

SCHEDULE_MESSAGES = {
    "end_before_start": _l("The last day comes before the first day. Please check the dates."),
    "ended": _l("These dates are already past. Choose dates from today on."),
    "unknown_area": _l("Choose a district or tehsil from the list."),
    "area_level": _l("Choose a district or tehsil from the list."),
    "message": _l("Write the message in Urdu and in English."),
}


def _area_choices() -> list[SelectChoice]:
    lang = current_language()
    areas = db.session.scalars(select(Area).where(Area.level.in_(SCHEDULED_AREA_LEVELS))).all()
    by_id = {a.id: a for a in db.session.scalars(select(Area).where(Area.level == "district"))}
    options = []
    for a in sorted(areas, key=lambda a: ((by_id.get(a.parent_id) or a).name_en, a.level != "district", a.name_en)):
        district = a if a.level == "district" else by_id.get(a.parent_id)
        label = a.name(lang) if a.level == "district" else f"{a.name(lang)} ({_('tehsil')})"
        options.append(SelectChoice(a.code, label, optgroup=district.name(lang) if district else None))
    return [SelectChoice("", _("Choose"))] + options


def _go(target: str):
    return htmx_redirect(target) if wants_fragment() else redirect(target)


def _page(block: str | None = None, *, status: int = 200, form=None, announcement_form=None):
    form = form or ScheduleForm(formdata=None)
    form.area.choices = _area_choices()
    page = schedules_page(db.session, request.args.get("cursor") or None)
    return render_page("admin/schedules.html", block, status=status, form=form,
                       announcement_form=announcement_form or AnnouncementForm(formdata=None),
                       schedules=page.rows, page=page, announcements=recent_announcements(db.session),
                       action_form=ActionForm(), today=service_context().now().date())


@bp.get("/schedules")
@role_required(Role.ADMIN)
def schedules():
    return _page("schedule_list")


@bp.post("/schedules")
@role_required(Role.ADMIN)
def schedule_create():
    form = ScheduleForm()
    form.area.choices = _area_choices()
    if form.validate():
        try:
            schedule = create_schedule(db.session, service_context(), current_user, ScheduleInput(
                area_code=form.area.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                message_ur=form.message_ur.data, message_en=form.message_en.data))
        except ScheduleError as error:
            if error.code == "overlap":
                clash = error.clash
                form.starts_on.errors = [_("%(area)s already has a survey from %(start)s to %(end)s. Choose other "
                                           "dates.", area=clash.area.name(current_language()),
                                           start=when(clash.starts_on), end=when(clash.ends_on))]
            else:
                field = {"end_before_start": form.ends_on, "ended": form.ends_on, "message": form.message_ur}.get(
                    error.code, form.area)
                field.errors = [str(SCHEDULE_MESSAGES[error.code])]
        else:
            flash(_("The survey of %(area)s is scheduled. Its registered households are being told by SMS: see "
                    "the background jobs.", area=schedule.area.name(current_language())), "success")
            return _go(url_for("admin.schedules"))
    return _page("schedule_form", status=422, form=form)


@bp.post("/announcements")
@role_required(Role.ADMIN)
def announcement_create():
    form = AnnouncementForm()
    if form.validate():
        try:
            create_announcement(db.session, service_context(), current_user, AnnouncementInput(
                title_ur=form.title_ur.data, title_en=form.title_en.data, body_ur=form.body_ur.data,
                body_en=form.body_en.data, starts_on=form.show_from.data, ends_on=form.show_until.data))
        except AnnouncementError as error:
            form.show_until.errors = [str(SCHEDULE_MESSAGES[error.code])]
        else:
            forget_cached_announcements()
            flash(_("The announcement is saved. It shows on the home page between its dates."), "success")
            return _go(url_for("admin.schedules"))
    return _page("announcement_form", status=422, announcement_form=form)


@bp.post("/announcements/<int:announcement_id>/end")
@role_required(Role.ADMIN)
def announcement_end(announcement_id: int):
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None:
        abort(404)
    if not ActionForm().validate():
        abort(400)
    end_announcement(db.session, service_context(), current_user, announcement)
    forget_cached_announcements()
    flash(_("The announcement no longer shows on the home page."), "success")
    return _go(url_for("admin.schedules"))
