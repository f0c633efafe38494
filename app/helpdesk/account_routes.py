"""The helpdesk frees a CNIC held by an unverified account, for its real owner, with a recorded reason."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.sessions import role_required
from ..domain.roles import Role
from ..extensions import db
from ..services.registration import release_unverified
from ..unit_of_work import service_context
from . import bp
from .forms import ReleaseForm


@bp.post("/accounts/release")
@role_required(Role.HELPDESK, Role.ADMIN)
def release_account():
    form = ReleaseForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
    elif release_unverified(db.session, service_context(), form.cnic.data, actor=current_user,
                            reason=form.reason.data, ip=request.remote_addr):
        flash(_("The CNIC is free: its owner can register now."), "success")
    else:
        flash(_("Only an account whose mobile was never verified can be released."), "error")
    return redirect(url_for("helpdesk.lookup"))
