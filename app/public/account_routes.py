"""The citizen changes the account's mobile: a code to the new number, a notice to the old one, and the
number changes only once the code is confirmed."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..domain.mobile import mask_mobile
from ..extensions import db, limiter
from ..helpline import helpline_number
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..services.account_care import confirm_mobile_change, pending_mobile, start_mobile_change
from ..unit_of_work import service_context
from . import bp
from .forms import MobileChangeForm, VerifyForm
from .routes import _limit


def _page(status: int = 200, block: str | None = None, form=None, code_form=None):
    pending = pending_mobile(db.session, service_context(), current_user)
    return render_page("public/mobile_change.html", block, status=status, form=form or MobileChangeForm(formdata=None),
                       code_form=code_form or VerifyForm(formdata=None),
                       pending=mask_mobile(pending) if pending else None,
                       current=mask_mobile(current_user.mobile) if current_user.mobile else "")


def _go(target: str):
    return htmx_redirect(target) if wants_fragment() else redirect(target)


@bp.route("/me/mobile", methods=["GET", "POST"])
@login_required
@limiter.limit(_limit("OTP_LIMIT"), methods=["POST"])
def change_mobile():
    if request.method == "GET":
        return _page()
    form = MobileChangeForm()
    if form.validate():
        if form.mobile.data == current_user.mobile:
            form.mobile.errors = [_("This is already your account's number.")]
        else:
            result = start_mobile_change(db.session, service_context(), current_user, form.mobile.data,
                                         ip=request.remote_addr)
            if result.sent:
                flash(_("We sent a 6-digit code to %(mobile)s. Your number changes once you type it here.",
                        mobile=mask_mobile(form.mobile.data)), "success")
                return _go(url_for("public.change_mobile"))
            if result.exhausted:
                form.mobile.errors = [_("You have asked for too many codes today. Please try again tomorrow or call "
                                        "the helpline on %(helpline)s.", helpline=helpline_number())]
            else:
                form.mobile.errors = [_("Please wait %(n)s seconds before asking for a new code.",
                                        n=result.wait_seconds)]
    return _page(422, "change_form", form=form)


@bp.post("/me/mobile/confirm")
@login_required
@limiter.limit(_limit("OTP_LIMIT"))
def confirm_mobile():
    form = VerifyForm()
    if form.validate():
        code = form.code.data
        from ..domain.numerals import to_latin_digits

        code = to_latin_digits(code).replace(" ", "").replace("-", "")
        check = confirm_mobile_change(db.session, service_context(), current_user, code, ip=request.remote_addr)
        if check.ok:
            flash(_("Your mobile number is changed."), "success")
            return _go(url_for("public.me"))
        form.code.errors = [
            ngettext("The code is not correct. %(num)s try left.", "The code is not correct. %(num)s tries left.",
                     check.tries_left) if check.reason == "wrong" else
            {"expired": _("This code has expired. Ask for a new code."),
             "locked": _("Too many wrong codes. Ask for a new code.")}.get(
                check.reason, _("There is no code waiting. Ask for a new code."))
        ]
    return _page(422, "confirm_form", code_form=form)
