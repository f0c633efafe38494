"""The citizen's account care: a forgotten password, a wrong number at sign-up, a change of mobile, the
helpdesk's release of a CNIC held by someone else, and the limits of an unverified account."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, LoginSession, OtpChallenge, SmsMessage, User
from app.models.base import utcnow
from app.services.bulk_load import UNUSABLE_PASSWORD
from tests.conftest import PASSWORD, Browserish, outbox_codes
from tests.helpers import html_escape, page_text, urdu, urdu_plural, valid_registration

MOBILE = "03001234567"
NEW_PASSWORD = "Mangoes-Ripen-In-June-41"


def _citizen(make_user, **kw):
    return make_user("citizen", mobile=MOBILE, **kw)


def _ask_for_code(client, cnic, mobile, htmx=False):
    client.get("/password/forgot")
    return client.post("/password/forgot", data={"cnic": cnic, "mobile": mobile}, htmx=htmx)


def _sms_to(db, mobile):
    return db.scalars(select(SmsMessage.body).where(SmsMessage.to_mobile == mobile).order_by(SmsMessage.id)).all()


# --- a forgotten password -------------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_forgotten_password_page(client):
    html = page_text(client.get("/login"))
    assert 'href="/password/forgot"' in html
    assert html_escape(urdu(client.application, "Forgot your password?")) in html


@pytest.mark.parametrize("htmx", [False, True])
def test_forgot_password_answers_the_same_whether_or_not_the_cnic_and_mobile_match(app, client, make_user, db, htmx):
    user = _citizen(make_user)
    answers = []
    for cnic, mobile in ((user.cnic, MOBILE), (user.cnic, "03331234567"), ("35202-9999999-1", MOBILE)):
        fresh = Browserish(app.test_client())
        response = _ask_for_code(fresh, cnic, mobile, htmx=htmx)
        landing = fresh.get("/password/reset")
        answers.append((response.status_code, response.headers.get("Location"), response.headers.get("HX-Redirect"),
                        page_text(landing).replace(fresh.token, "")))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == (204 if htmx else 302)
    # Only the matching pair sent a code, and only to the registered number.
    assert len(_sms_to(db, MOBILE)) == 1 and _sms_to(db, "03331234567") == []
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password.forgot")
                          .order_by(AuditEntry.id)).all()
    assert outcomes == ["sent", "mismatch", "unknown"]


def test_a_citizen_resets_the_password_is_signed_in_and_other_devices_are_signed_out(app, client, make_user, db):
    user = _citizen(make_user)
    other_device = Browserish(app.test_client())
    other_device.get("/login")
    assert other_device.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
    assert other_device.get("/me").status_code == 200

    _ask_for_code(client, user.cnic, MOBILE)
    code = outbox_codes(app, MOBILE)[-1]
    client.get("/password/reset")
    response = client.post("/password/reset", data={"code": code, "password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert client.get("/me").status_code == 200
    # The other browser's session ended with the old password.
    assert other_device.get("/me").status_code == 302
    assert db.scalar(select(LoginSession.id).where(LoginSession.user_id == user.id,
                                                   LoginSession.revoked_at.is_(None))) is not None
    assert len(db.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.revoked_at.is_(None))).all()) == 1
    # The new password works, the old one no longer does.
    fresh = Browserish(app.test_client())
    fresh.get("/login")
    assert fresh.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 422
    assert fresh.post("/login", data={"cnic": user.cnic, "password": NEW_PASSWORD}).status_code == 302
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password.reset")).all() == ["success"]


def test_a_reset_code_works_once(app, client, make_user):
    user = _citizen(make_user)
    _ask_for_code(client, user.cnic, MOBILE)
    code = outbox_codes(app, MOBILE)[-1]
    data = {"code": code, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    client.get("/password/reset")
    assert client.post("/password/reset", data=data).status_code == 302
    thief = Browserish(app.test_client())
    _ask_for_code(thief, "35202-9999999-1", MOBILE)  # any pair, to reach the reset page
    with thief.session_transaction() as s:
        s["reset_cnic"] = user.cnic
    thief.get("/password/reset")
    assert thief.post("/password/reset", data=data).status_code == 422


@pytest.mark.parametrize("htmx", [False, True])
def test_a_wrong_reset_code_counts_its_tries_and_changes_nothing(app, client, make_user, db, htmx):
    user = _citizen(make_user)
    _ask_for_code(client, user.cnic, MOBILE)
    code = outbox_codes(app, MOBILE)[-1]
    wrong = "000000" if code != "000000" else "111111"
    client.get("/password/reset")
    response = client.post("/password/reset", data={"code": wrong, "password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD}, htmx=htmx)
    assert response.status_code == 422
    html = page_text(response)
    expected = urdu_plural(app, "The code is not correct. %(num)s try left.",
                           "The code is not correct. %(num)s tries left.", 4)
    assert html_escape(expected) in html
    assert ("<html" in html) is not htmx  # the form block alone for htmx
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]
    stored = db.scalars(select(User.password_hash).where(User.id == user.id)).one()
    from app.services.credentials import check_password

    assert check_password(stored, PASSWORD)


def test_a_new_password_must_follow_the_password_rules(app, client, make_user):
    user = _citizen(make_user)
    _ask_for_code(client, user.cnic, MOBILE)
    code = outbox_codes(app, MOBILE)[-1]
    client.get("/password/reset")
    for weak, message in (("password", "This password is among the most common ones and easy to guess. Please choose another."),
                          (f"x{MOBILE}x", "The password must not contain your name, CNIC or mobile number."),
                          ("short", None)):
        response = client.post("/password/reset", data={"code": code, "password": weak, "confirm_password": weak})
        assert response.status_code == 422
        if message:
            assert html_escape(urdu(app, message)) in page_text(response)
    response = client.post("/password/reset", data={"code": code, "password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD + "x"})
    assert response.status_code == 422
    assert html_escape(urdu(app, "The two passwords do not match.")) in page_text(response)
    # The refusals spent no try of the code.
    response = client.post("/password/reset", data={"code": code, "password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302


def test_an_imported_account_sets_its_first_password_through_the_forgotten_password_flow(app, client, make_user, db):
    user = _citizen(make_user)
    db.execute(update(User).where(User.id == user.id).values(password_hash=UNUSABLE_PASSWORD, mobile_verified_at=None))
    db.commit()
    client.get("/login")
    assert client.post("/login", data={"cnic": user.cnic, "password": UNUSABLE_PASSWORD}).status_code == 422
    _ask_for_code(client, user.cnic, MOBILE)
    code = outbox_codes(app, MOBILE)[-1]
    client.get("/password/reset")
    response = client.post("/password/reset", data={"code": code, "password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/me")
    db.expire_all()
    assert db.get(User, user.id).is_verified  # the code reached the registered number
    assert client.get("/me").status_code == 200


def test_the_reset_page_without_a_request_sends_to_the_forgotten_password_page(client):
    response = client.get("/password/reset")
    assert response.status_code == 302 and response.headers["Location"].endswith("/password/forgot")


def test_forgot_password_is_rate_limited_per_address(app, client, make_user):
    client.get("/password/forgot")
    statuses = [client.post("/password/forgot", data={"cnic": "35202-9999999-1", "mobile": MOBILE}).status_code
                for _ in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_reset_codes_per_account_are_capped_in_the_database(app, client, make_user, db):
    user = _citizen(make_user)
    for _ in range(app.config["OTP_MAX_SENDS"] + 2):
        _ask_for_code(Browserish(app.test_client()), user.cnic, MOBILE)
        # Past the cool-down, as if each ask came a minute later.
        db.execute(update(OtpChallenge).values(last_sent_at=utcnow() - timedelta(minutes=5)))
        db.commit()
    assert len(_sms_to(db, MOBILE)) == app.config["OTP_MAX_SENDS"]
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password.forgot")).all()
    assert outcomes.count("exhausted") == 2


def test_a_second_ask_inside_the_cool_down_sends_no_second_code(app, make_user, db):
    user = _citizen(make_user)
    for _ in range(3):
        _ask_for_code(Browserish(app.test_client()), user.cnic, MOBILE)
    assert len(_sms_to(db, MOBILE)) == 1


# --- a wrong number at sign-up ---------------------------------------------------------------------------


def _register(client, **overrides):
    client.get("/register")
    assert client.post("/register", data=valid_registration(**overrides)).status_code == 302
    client.get("/verify")


@pytest.mark.parametrize("htmx", [False, True])
def test_a_wrongly_typed_number_is_corrected_from_verify_and_the_code_goes_to_the_new_one(app, client, db, htmx):
    _register(client, mobile="03001111111")
    response = client.post("/verify", data={"mobile": "0321 2222222"}, htmx=htmx)
    assert response.status_code == (204 if htmx else 302)
    user = db.scalars(select(User)).one()
    assert user.mobile == "03212222222" and not user.is_verified
    code = outbox_codes(app, "03212222222")[-1]
    assert len(outbox_codes(app, "03001111111")) == 1  # only the first code went to the wrong phone
    response = client.post("/verify", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    db.expire_all()
    assert db.scalars(select(User)).one().is_verified


def test_a_correction_that_is_not_a_mobile_number_is_refused_in_place(app, client, db):
    _register(client)
    response = client.post("/verify", data={"mobile": "12345"}, htmx=True)
    assert response.status_code == 422 and "<html" not in page_text(response)
    assert 'id="mobile-form"' in page_text(response)
    assert db.scalars(select(User)).one().mobile == "03001234567"


def test_corrections_are_bounded_by_the_days_code_cap(app, client, db):
    _register(client)
    for n in range(app.config["OTP_MAX_SENDS"] + 1):
        client.post("/verify", data={"mobile": f"0345{n:07d}"})
    sent_to = {m for m in db.scalars(select(SmsMessage.to_mobile)).all()}
    assert len(sent_to) == app.config["OTP_MAX_SENDS"]
    # The refused number did not become the account's.
    assert db.scalars(select(User.mobile)).one() in sent_to


def test_verify_after_signing_in_later_sends_a_fresh_code_instead_of_claiming_one(app, client, db):
    _register(client)
    db.execute(update(OtpChallenge).values(expires_at=utcnow() - timedelta(seconds=1),
                                           last_sent_at=utcnow() - timedelta(hours=1)))
    db.commit()
    client.post("/logout", data={})
    fresh = Browserish(app.test_client())
    fresh.get("/login")
    response = fresh.post("/login", data={"cnic": "35202-7654321-3", "password": "Kites-Over-Ravi-77"})
    assert response.headers["Location"].endswith("/verify")
    html = page_text(fresh.get("/verify"))
    assert len(outbox_codes(app, "03001234567")) == 2
    assert html_escape(urdu(app, "We sent a 6-digit code by SMS to %(mobile)s. It is valid for 10 minutes.",
                            mobile="0300*****67")) in html
    code = outbox_codes(app, "03001234567")[-1]
    assert fresh.post("/verify", data={"code": code}).headers["Location"].endswith("/me")


# --- an unverified account can only verify, correct its number or sign out ------------------------------------


def _signed_in_unverified(app, client, make_user, db):
    user = _citizen(make_user)
    db.execute(update(User).where(User.id == user.id).values(mobile_verified_at=None))
    db.commit()
    client.get("/login")
    assert client.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
    return db.get(User, user.id)


def test_an_unverified_account_is_sent_to_verify_from_every_other_page(app, client, make_user, db):
    user = _signed_in_unverified(app, client, make_user, db)
    allowed = {"public.verify", "public.resend_code", "auth.logout", "public.switch_language", "public.healthz",
               "public.robots", "static"}
    values = {"household_id": user.household_id, "section": "household", "complaint_id": 1, "field": "cnic",
              "code": "en", "member_id": 1, "job_id": 1, "table": "x", "filename": "x", "id": 1}
    client.get("/verify")  # the form token of this session
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in allowed:
            continue
        try:
            url = rule.build(values, append_unknown=False)[1]
        except Exception:  # noqa: BLE001 - a converter we cannot fill: the POST below still covers it
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"csrf_token": client.token or ""})
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].endswith("/verify"), (method, url)
            checked += 1
    assert checked > 20
    # htmx asks are sent there too, as a full page load.
    response = client.get(f"/me/household/{user.household_id}/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith("/verify")
    assert client.get("/verify").status_code == 200


def test_an_unverified_accounts_header_offers_only_verification_and_sign_out(app, client, make_user, db):
    _signed_in_unverified(app, client, make_user, db)
    html = page_text(client.get("/verify"))
    header = html.split("</header>")[0]
    assert 'href="/verify"' in header and 'action="/logout"' in header
    assert 'href="/me"' not in header and 'href="/status"' not in header


# --- changing the mobile ------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_a_citizen_changes_the_mobile_after_a_code_to_the_new_number_and_the_old_one_is_told(app, client, login_as, db, htmx):
    user = login_as("citizen", mobile=MOBILE)
    assert 'href="/me/mobile"' in page_text(client.get("/me"))
    client.get("/me/mobile")
    response = client.post("/me/mobile", data={"mobile": "03451234567"}, htmx=htmx)
    assert response.status_code == (204 if htmx else 302)
    db.expire_all()
    assert db.get(User, user.id).mobile == MOBILE  # not yet
    notice = _sms_to(db, MOBILE)
    assert len(notice) == 1 and app.config["HELPLINE"] in notice[0]
    code = outbox_codes(app, "03451234567")[-1]
    html = page_text(client.get("/me/mobile"))
    assert 'id="confirm-form"' in html
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/me/mobile/confirm", data={"code": wrong}, htmx=htmx)
    assert response.status_code == 422
    db.expire_all()
    assert db.get(User, user.id).mobile == MOBILE
    response = client.post("/me/mobile/confirm", data={"code": code}, htmx=htmx)
    assert response.status_code == (204 if htmx else 302)
    db.expire_all()
    assert db.get(User, user.id).mobile == "03451234567"
    outcomes = db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "mobile.change")
                          .order_by(AuditEntry.id)).all()
    assert outcomes == ["code_sent", "wrong", "changed"]


def test_a_code_for_a_new_mobile_cannot_reset_the_password(app, client, login_as, db):
    user = login_as("citizen", mobile=MOBILE)
    client.get("/me/mobile")
    client.post("/me/mobile", data={"mobile": "03451234567"})
    code = outbox_codes(app, "03451234567")[-1]
    thief = Browserish(app.test_client())
    _ask_for_code(thief, user.cnic, "03451234567")  # not the registered number: nothing sent
    thief.get("/password/reset")
    response = thief.post("/password/reset", data={"code": code, "password": NEW_PASSWORD,
                                                    "confirm_password": NEW_PASSWORD})
    assert response.status_code == 422


# --- the helpdesk releases a CNIC held by an unverified account ------------------------------------------------


def test_the_helpdesk_releases_an_unverified_cnic_with_a_recorded_reason_and_the_owner_registers(app, client, login_as, db):
    squatter = Browserish(app.test_client())
    _register(squatter, mobile="03009999999")
    login_as("helpdesk")
    client.get("/helpdesk/lookup")
    html = page_text(client.post("/helpdesk/lookup", data={"cnic": "35202-7654321-3", "reason": "Owner called"}))
    assert 'id="release-form"' in html
    response = client.post("/helpdesk/accounts/release", data={"cnic": "35202-7654321-3", "reason": ""})
    assert db.scalar(select(User.id)) is not None  # no reason, no release
    response = client.post("/helpdesk/accounts/release",
                           data={"cnic": "35202-7654321-3", "reason": "Owner called from 0300 with CNIC copy"})
    assert response.status_code == 302
    assert db.scalars(select(User).where(User.role == "citizen")).all() == []
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "registration.release",
                                                AuditEntry.outcome == "released")).one()
    assert entry.detail["reason"].startswith("Owner called") and entry.actor_id is not None
    owner = Browserish(app.test_client())
    _register(owner)


def test_a_verified_account_cannot_be_released(app, client, login_as, make_user, db):
    citizen = _citizen(make_user)
    login_as("helpdesk")
    client.get("/helpdesk/lookup")
    html = page_text(client.post("/helpdesk/lookup", data={"cnic": citizen.cnic, "reason": "Caller asked"}))
    assert 'id="release-form"' not in html
    client.post("/helpdesk/accounts/release", data={"cnic": citizen.cnic, "reason": "Trying anyway"})
    assert db.get(User, citizen.id) is not None
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "registration.release")).all() == ["refused"]


def test_only_helpdesk_and_admin_may_release(app, client, login_as, db):
    squatter = Browserish(app.test_client())
    _register(squatter)
    login_as("supervisor", area="Lahore")
    client.get("/")
    response = client.post("/helpdesk/accounts/release", data={"cnic": "35202-7654321-3", "reason": "Not my job"})
    assert response.status_code == 403
    assert db.scalar(select(User.id).where(User.role == "citizen")) is not None


# --- helpline, language, navigation ---------------------------------------------------------------------------


def test_the_helpline_number_is_in_the_footer_and_in_every_call_the_helpline_message(app, client):
    number = app.config["HELPLINE"]
    assert number
    footer = page_text(client.get("/")).split('<footer class="site">')[1]
    assert number in footer and 'href="tel:' in footer
    assert number in page_text(client.get("/password/forgot"))


def test_too_many_codes_names_the_helpline(app, client, db):
    _register(client)
    for n in range(app.config["OTP_MAX_SENDS"]):
        client.post("/verify", data={"mobile": f"0345{n:07d}"})
    html = page_text(client.post("/verify", data={"mobile": "03450000099"}))
    assert app.config["HELPLINE"] in html


def test_the_language_chosen_on_this_device_wins_over_the_accounts_at_sign_in(app, client, make_user, db):
    user = _citizen(make_user)
    db.execute(update(User).where(User.id == user.id).values(locale="ur"))
    db.commit()
    client.get("/lang/en?next=/login")
    client.get("/login")
    client.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    assert '<html lang="en" dir="ltr">' in page_text(client.get("/me"))
    other = Browserish(app.test_client())
    other.get("/lang/ur?next=/login")
    db.execute(update(User).where(User.id == user.id).values(locale="en"))
    db.commit()
    other.get("/login")
    other.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
    assert '<html lang="ur" dir="rtl">' in page_text(other.get("/me"))


def test_a_signed_in_citizen_keeps_status_complaints_and_my_page_in_the_header(client, login_as):
    login_as("citizen")
    header = page_text(client.get("/me")).split("</header>")[0]
    for href in ('href="/me"', 'href="/status"', 'href="/complaints/new"'):
        assert href in header
