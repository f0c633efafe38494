"""Views of the citizen's side. Each parses the request, calls one service and renders."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select, text

from ..area_choices import tehsil_choices
from ..domain.household_status import TIMELINE
from ..domain.mobile import mask_mobile, network_mismatch
from ..domain.numerals import to_latin_digits
from ..auth.sessions import sign_in
from ..extensions import db, limiter
from ..findability import robots_txt, sitemap_xml
from ..helpline import helpline_number
from ..i18n import current_language
from ..models import HouseholdStatusChange, User
from ..rate_limits import shared_limit
from ..rendering import htmx_redirect, render_page, wants_fragment
from ..safe_redirect import redirect_target
from ..services import audit
from ..services import otp as otp_service
from ..services.areas import find_area
from ..services.account_care import correct_unverified_mobile
from ..services.registration import CnicAlreadyRegistered, Registration, register_citizen, set_home_area
from ..services.status_lookup import lookup_status
from ..unit_of_work import service_context
from . import bp
from .forms import (NETWORK_LABELS, HomeAreaForm, MobileCorrectionForm, RegistrationForm, ResendForm, StatusForm,
                    VerifyForm)

PENDING_USER = "pending_user_id"  # the account waiting for its OTP in this browser


_limit = shared_limit


@bp.get("/")
def index():
    return render_page("public/index.html")


@bp.get("/lang/<code>")
def switch_language(code: str):
    languages = current_app.config["LANGUAGES"]
    if code not in languages:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    # Back where the visitor was (never to /lang/ itself, never off this site).
    target = redirect_target(request.args.get("next") or request.referrer, refuse_prefixes=("/lang/",))
    response = redirect(target)
    response.set_cookie(
        current_app.config["LANG_COOKIE"], code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
    return response


# --- registration -------------------------------------------------------------------------------


def _network_warning(form: RegistrationForm) -> str | None:
    if form.mobile.errors or not form.mobile.data or form.network.data not in NETWORK_LABELS:
        return None
    suggested = network_mismatch(form.mobile.data, form.network.data)
    if suggested is None:
        return None
    return _(
        "Numbers starting %(prefix)s were first issued by %(network)s. If you moved your number to "
        "another network, that is fine: keep your choice.",
        prefix=form.mobile.data[:4],
        network=NETWORK_LABELS[suggested],
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTER_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.me"))
    form = RegistrationForm()
    if request.method == "GET":
        return render_page("public/register.html", form=form, network_warning=None)
    if form.validate():
        reg = Registration(
            full_name=form.full_name.data,
            cnic=form.cnic.data,
            network=form.network.data,
            mobile=form.mobile.data,
            email=form.email.data,
            password=form.password.data,
            locale=current_language(),
        )
        try:
            user = register_citizen(db.session, service_context(), reg, ip=request.remote_addr)
        except CnicAlreadyRegistered:
            form.cnic.errors = [
                _("This CNIC is already registered. Sign in, or check your status. If you did not register it, file a complaint.")
            ]
        else:
            session[PENDING_USER] = user.id
            flash(_("Your account is created. We sent a 6-digit code to %(mobile)s.", mobile=user.mobile), "success")
            target = url_for("public.verify")
            return htmx_redirect(target) if wants_fragment() else redirect(target)
    return render_page(
        "public/register.html", "register_form", status=422, form=form, network_warning=_network_warning(form)
    )


@bp.post("/register/check/<field>")
@limiter.limit(_limit("REGISTER_CHECK_LIMIT"))
def register_check(field: str):
    """Inline check of one field as the user leaves it; format only, so it reveals nothing about others."""
    if field not in ("cnic", "mobile", "network"):
        return render_page("public/register.html", "register_form", status=404, form=RegistrationForm(), network_warning=None)
    form = RegistrationForm()
    target = getattr(form, field)
    ok = target.validate(form)
    if field == "network" and form.mobile.data:
        # Choosing the network before typing the number is no mistake: check the number only once typed.
        form.mobile.validate(form)
    block = "field_mobile" if field in ("mobile", "network") else "field_cnic"
    return render_page(
        "public/register.html", block, status=200 if ok else 422, form=form, network_warning=_network_warning(form)
    )


# --- mobile verification ------------------------------------------------------------------------


def _pending_user() -> User | None:
    if current_user.is_authenticated:
        return None if current_user.is_verified else current_user
    user_id = session.get(PENDING_USER)
    user = db.session.get(User, user_id) if user_id else None
    return None if user is None or user.is_verified else user


def _verify_page(user: User, *, status: int = 200, block: str | None = None, form=None, mobile_form=None,
                 code_waiting: bool | None = None):
    if code_waiting is None:
        code_waiting = otp_service.live_challenge(db.session, service_context(), user.id) is not None
    return render_page("public/verify.html", block, status=status, form=form or VerifyForm(formdata=None),
                       mobile_form=mobile_form or MobileCorrectionForm(formdata=None), resend_form=ResendForm(),
                       masked_mobile=_masked(user.mobile), code_waiting=code_waiting)


def _resend_message(result) -> tuple[str, str]:
    if result.sent:
        return "success", ""
    if result.exhausted:
        return "error", _("You have asked for too many codes today. Please try again tomorrow or call the helpline on "
                          "%(helpline)s.", helpline=helpline_number())
    return "error", _("Please wait %(n)s seconds before asking for a new code.", n=result.wait_seconds)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_limit("OTP_LIMIT"), methods=["POST"])
def verify():
    user = _pending_user()
    if user is None:
        if current_user.is_authenticated:
            return redirect(url_for("public.me"))
        flash(_("Sign in to verify your mobile number."), "info")
        return redirect(url_for("auth.login"))
    ctx = service_context()
    if request.method == "GET":
        code_waiting = otp_service.live_challenge(db.session, ctx, user.id) is not None
        if not code_waiting:
            # Back after the code expired (or signed in later): send a fresh one rather than claim one was sent.
            result = otp_service.send_code(db.session, ctx, user, otp_service.PURPOSE_VERIFY)
            audit.record(db.session, ctx, "otp.resend", actor_id=user.id, cnic=user.cnic, ip=request.remote_addr,
                         outcome="sent" if result.sent else ("exhausted" if result.exhausted else "cooldown"))
            code_waiting = result.sent
            if result.exhausted:
                flash(_resend_message(result)[1], "error")
        return _verify_page(user, code_waiting=code_waiting)
    if "mobile" in request.form and "code" not in request.form:
        return _correct_mobile(user)
    form = VerifyForm()
    if form.validate():
        code = to_latin_digits(form.code.data).replace(" ", "").replace("-", "")
        if not (code.isdigit() and len(code) == 6):
            form.code.errors = [_("The code has 6 digits.")]
        else:
            result = otp_service.verify_otp(db.session, ctx, user, code)
            audit.record(db.session, ctx, "otp.verify", actor_id=user.id, cnic=user.cnic, ip=request.remote_addr,
                         outcome="success" if result.ok else result.reason)
            if result.ok:
                if not current_user.is_authenticated:
                    # This browser registered the account a moment ago and now holds its phone: no second sign-in.
                    sign_in(user)
                session.pop(PENDING_USER, None)
                flash(_("Your mobile number is verified and you are signed in."), "success")
                target = url_for("public.me")
                return htmx_redirect(target) if wants_fragment() else redirect(target)
            messages = {
                "wrong": ngettext(
                    "The code is not correct. %(num)s try left.", "The code is not correct. %(num)s tries left.",
                    result.tries_left,
                ),
                "expired": _("This code has expired. Ask for a new code."),
                "locked": _("Too many wrong codes. Ask for a new code."),
                "missing": _("There is no code waiting. Ask for a new code."),
            }
            form.code.errors = [messages[result.reason]]
    return _verify_page(user, status=422, block="verify_form", form=form)


def _correct_mobile(user: User):
    """A number typed wrongly at sign-up: the account moves to the right one, which gets a fresh code."""
    form = MobileCorrectionForm()
    if form.validate():
        result = correct_unverified_mobile(db.session, service_context(), user, form.mobile.data,
                                           ip=request.remote_addr)
        if result.sent:
            flash(_("Thank you. We sent a new 6-digit code to %(mobile)s.", mobile=_masked(user.mobile)), "success")
            target = url_for("public.verify")
            return htmx_redirect(target) if wants_fragment() else redirect(target)
        form.mobile.errors = [_resend_message(result)[1]]
    return _verify_page(user, status=422, block="mobile_form", mobile_form=form)


@bp.post("/verify/resend")
@limiter.limit(_limit("OTP_LIMIT"))
def resend_code():
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    form = ResendForm()
    if form.validate():
        ctx = service_context()
        result = otp_service.resend_otp(db.session, ctx, user)
        audit.record(db.session, ctx, "otp.resend", actor_id=user.id, cnic=user.cnic, ip=request.remote_addr,
                     outcome="sent" if result.sent else ("exhausted" if result.exhausted else "cooldown"))
        if result.sent:
            flash(_("A new code is on its way to %(mobile)s.", mobile=_masked(user.mobile)), "success")
        else:
            category, message = _resend_message(result)
            flash(message, category)
    target = url_for("public.verify")
    return htmx_redirect(target) if wants_fragment() else redirect(target)


def _masked(mobile: str | None) -> str:
    return mask_mobile(mobile) if mobile else ""


# --- status lookup ------------------------------------------------------------------------------


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(_limit("STATUS_LOOKUP_LIMIT"), methods=["POST"])
def status():
    form = StatusForm()
    if request.method == "GET":
        return render_page("public/status.html", form=form, answer=None)
    if not form.validate():
        # The error belongs to the field: the form comes back with the field marked, and no second message.
        return render_page("public/status.html", "status_area", status=422, form=form, answer=None)
    answer = lookup_status(db.session, service_context(), form.cnic.data, ip=request.remote_addr)
    return render_page("public/status.html", "status_area", form=form, answer=answer)


# --- the citizen's own page ---------------------------------------------------------------------


@bp.get("/me")
@login_required
def me():
    user: User = current_user
    if not user.is_verified:
        return redirect(url_for("public.verify"))
    household = user.household
    history = []
    if household is not None:
        history = db.session.scalars(
            select(HouseholdStatusChange)
            .where(HouseholdStatusChange.household_id == household.id)
            .order_by(HouseholdStatusChange.at, HouseholdStatusChange.id)
        ).all()
    from ..services.complaints import citizen_complaints

    area_form = HomeAreaForm(formdata=None)
    area_form.tehsil.choices = tehsil_choices(db.session)
    return render_page("public/me.html", user=user, household=household, history=history, timeline=TIMELINE,
                       complaints=citizen_complaints(db.session, user), area_form=area_form,
                       masked_mobile=_masked(user.mobile))


@bp.post("/me/area")
@login_required
def set_area():
    """The citizen tells where the household lives, so the survey team of that tehsil sees it."""
    form = HomeAreaForm()
    form.tehsil.choices = tehsil_choices(db.session)
    if form.validate():
        area = find_area(db.session, form.tehsil.data)
        if set_home_area(db.session, service_context(), current_user, area):
            flash(_("Thank you. The survey team of %(area)s will see your household.", area=area.name(current_language())),
                  "success")
    else:
        flash(form.tehsil.errors[0], "error")
    return redirect(url_for("public.me"))


@bp.get("/robots.txt")
@limiter.exempt
def robots():
    """The public pages may be indexed, nothing else (app.findability). Also the benchmark's trivial route."""
    response = current_app.response_class(robots_txt(), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/sitemap.xml")
@limiter.exempt
def sitemap():
    """The public pages in Urdu and English, for search engines."""
    response = current_app.response_class(sitemap_xml(), mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database cannot serve
        current_app.logger.exception("health check failed")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
