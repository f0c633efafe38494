"""An enumerator's back-checks: the re-visits assigned to them (a section of their home page and a page of
its own) and the short blind form of one re-visit."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services import back_checks
from ..unit_of_work import service_context
from . import bp
from .back_check_forms import BackCheckForm


@bp.context_processor
def back_check_helpers():
    """`assigned_back_checks()` for the home page's back-check section (templates/enumerator/back_checks_section.html):
    read only when the section is rendered, so no other page pays for it."""

    def assigned_back_checks():
        if not current_user.is_authenticated or current_user.role != Role.ENUMERATOR:
            return []
        return back_checks.assigned_to(db.session, current_user)

    return {"assigned_back_checks": assigned_back_checks}


@bp.get("/backchecks")
@role_required(Role.ENUMERATOR)
def back_check_list():
    return render_page("enumerator/back_checks.html", "back_check_section")


@bp.route("/backchecks/<int:back_check_id>", methods=["GET", "POST"])
@role_required(Role.ENUMERATOR)
def back_check(back_check_id: int):
    ctx = service_context()
    found = back_checks.open_for_revisit(db.session, ctx, current_user, back_check_id, ip=request.remote_addr)
    if found is None:
        abort(404)  # not theirs, or no such back-check: the same answer, so ids tell nothing
    if found.state != back_checks.ASSIGNED:
        return render_page("enumerator/back_check.html", "back_check_form", back_check=found, form=None, done=True)
    form = BackCheckForm()
    if request.method == "POST":
        if not form.validate():
            return render_page("enumerator/back_check.html", "back_check_form", status=422, back_check=found,
                               form=form, done=False)
        back_checks.save_revisit(db.session, ctx, found, form.answers(), actor=current_user)
        target = url_for("enumerator.back_check", back_check_id=found.id)
        return htmx_redirect(target) if wants_fragment() else redirect(target)
    return render_page("enumerator/back_check.html", "back_check_form", back_check=found, form=form, done=False)
