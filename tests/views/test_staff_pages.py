"""/admin/staff as an administrator uses it, in Urdu: accounts made with a one-time password shown once,
changed at the first sign-in; refusals said in Urdu with a 422; and an enumerator deactivated between two
requests is signed out on the next one, an htmx one included."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, SmsMessage, User
from tests.conftest import PASSWORD, Browserish
from tests.helpers import URDU_LETTERS, html_escape, page_text, urdu

NEW_PASSWORD = "Saffron-Kite-Ravi-2291"


def _one_time(response) -> str:
    found = re.search(r"<code>([A-Za-z0-9]{12})</code>", page_text(response))
    assert found, page_text(response)[:2000]
    return found.group(1)


def _sign_in(app, cnic: str, password: str) -> Browserish:
    browser = Browserish(app.test_client())
    browser.get("/login")
    response = browser.post("/login", data={"cnic": cnic, "password": password})
    assert response.status_code == 302, page_text(response)[:500]
    return browser


def _said_in_urdu(app, response, msgid: str) -> None:
    text = urdu(app, msgid)
    assert URDU_LETTERS.search(text), f"no Urdu translation for {msgid!r}"
    assert html_escape(text) in page_text(response)


@pytest.mark.parametrize("path", ["/admin/staff", "/admin/staff/new", "/admin/schedules"])
def test_only_an_administrator_opens_the_staff_and_schedule_pages(app, client, login_as, path):
    assert client.get(path).status_code == 302  # a stranger is sent to sign in
    htmx = client.get(path, headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/login")
    login_as("supervisor", area="Lahore")
    assert client.get(path).status_code == 403


def test_an_admin_appoints_an_enumerator_who_must_choose_a_password_at_the_first_sign_in(app, client, login_as, db):
    login_as("admin")
    client.get("/admin/staff/new")
    response = client.post("/admin/staff/new", data={"full_name": "Sana Tariq", "cnic": "35202 2222222 3",
                                                    "mobile": "03001234567", "role": "enumerator", "areas": ["DST-LHR"]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _one_time(response)
    user = db.scalars(select(User).where(User.cnic == "35202-2222222-3")).one()
    assert user.must_change_password and password not in user.password_hash and user.area.code == "DST-LHR"
    # Shown once: the account's page never shows it again.
    assert password not in page_text(client.get(f"/admin/staff/{user.id}"))

    enumerator = _sign_in(app, "35202-2222222-3", password)
    for path in ("/enumerator/", "/me", "/admin/"):
        assert enumerator.get(path).headers["Location"].endswith("/password/change")
    htmx = enumerator.get("/enumerator/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].endswith("/password/change")
    enumerator.get("/password/change")
    weak = enumerator.post("/password/change", data={"password": "password1", "confirm_password": "password1"})
    assert weak.status_code == 422
    done = enumerator.post("/password/change", data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/enumerator/")
    assert enumerator.get("/enumerator/").status_code == 200
    db.expire_all()
    assert not db.get(User, user.id).must_change_password
    _sign_in(app, "35202-2222222-3", NEW_PASSWORD)


def test_bad_staff_input_is_answered_in_urdu_with_422_never_500(app, client, login_as, make_user):
    login_as("admin")
    make_user("helpdesk", cnic="35202-7777777-1")
    client.get("/admin/staff/new")
    for htmx in (False, True):
        no_area = client.post("/admin/staff/new", htmx=htmx, data={"full_name": "Bilal", "cnic": "35202-3333333-1",
                                                                   "role": "enumerator"})
        assert no_area.status_code == 422
        _said_in_urdu(app, no_area, "An enumerator or a supervisor needs an area.")
        taken = client.post("/admin/staff/new", htmx=htmx, data={"full_name": "Bilal", "cnic": "35202-7777777-1",
                                                                 "role": "helpdesk"})
        assert taken.status_code == 422
        _said_in_urdu(app, taken, "An account with this CNIC exists already.")
        garbage = client.post("/admin/staff/new", htmx=htmx, data={"full_name": "", "cnic": "12",
                                                                   "role": "king", "areas": ["NOWHERE", ""]})
        assert garbage.status_code == 422
        _said_in_urdu(app, garbage, "Choose a role from the list.")
        several = client.post("/admin/staff/new", htmx=htmx, data={"full_name": "Bilal", "cnic": "35202-3333333-1",
                                                                   "role": "enumerator", "areas": ["DST-LHR", "DST-KSR"]})
        _said_in_urdu(app, several, "Only a supervisor can have several areas. Choose one.")
    assert client.get("/admin/staff/999999").status_code == 404


def test_an_admin_cannot_change_their_own_role_nor_deactivate_the_last_admin(app, client, login_as, db):
    admin = login_as("admin")
    page = client.get(f"/admin/staff/{admin.id}")
    assert page.status_code == 200
    own_role = client.post(f"/admin/staff/{admin.id}", data={"full_name": "Test Person", "role": "supervisor",
                                                           "areas": ["DST-LHR"]})
    assert own_role.status_code == 422
    _said_in_urdu(app, own_role, "You cannot change your own role. Ask another administrator.")
    itself = client.post(f"/admin/staff/{admin.id}/deactivate", htmx=True)
    assert itself.status_code == 422
    _said_in_urdu(app, itself, "You cannot deactivate your own account. Ask another administrator.")
    db.expire_all()
    assert db.get(User, admin.id).role == "admin" and not db.get(User, admin.id).disabled


def test_a_deactivated_enumerator_is_signed_out_on_the_next_request_htmx_included(app, client, login_as, make_user, db):
    enumerator = make_user("enumerator", area="Lahore")
    field = _sign_in(app, enumerator.cnic, PASSWORD)
    second_phone = _sign_in(app, enumerator.cnic, PASSWORD)
    assert field.get("/enumerator/").status_code == 200
    assert second_phone.get("/enumerator/", headers={"HX-Request": "true"}).status_code == 200

    login_as("admin")
    client.get(f"/admin/staff/{enumerator.id}")
    response = client.post(f"/admin/staff/{enumerator.id}/deactivate")
    assert response.status_code == 302

    plain = field.get("/enumerator/")
    assert plain.status_code == 302 and "/login" in plain.headers["Location"]
    htmx = second_phone.get("/enumerator/?state=draft", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/login")
    # A form posted from the page still open is refused too, and the password no longer signs in.
    assert field.post("/enumerator/households", data={"head_cnic": "35202-1234567-1"}).status_code in (302, 400)
    again = Browserish(app.test_client())
    again.get("/login")
    refused = again.post("/login", data={"cnic": enumerator.cnic, "password": PASSWORD})
    assert refused.status_code == 422
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "user.deactivate")).one()
    assert entry.detail["sessions_ended"] == 2 and entry.detail["after"]["active"] is False

    client.post(f"/admin/staff/{enumerator.id}/reactivate")
    _sign_in(app, enumerator.cnic, PASSWORD)


def test_a_password_reset_is_shown_once_or_sent_by_sms(app, client, login_as, make_user, db):
    helpdesk = make_user("helpdesk", mobile="03009876543")
    login_as("admin")
    client.get(f"/admin/staff/{helpdesk.id}")
    shown = client.post(f"/admin/staff/{helpdesk.id}/password", data={"delivery": "show"}, htmx=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    password = _one_time(shown)
    _sign_in(app, helpdesk.cnic, password).get("/helpdesk/").headers["Location"].endswith("/password/change")

    sent = client.post(f"/admin/staff/{helpdesk.id}/password", data={"delivery": "sms"})
    assert sent.status_code == 302
    body = db.scalars(select(SmsMessage.body).where(SmsMessage.to_mobile == "03009876543")).one()
    texted = re.search(r"[A-Za-z0-9]{12}", body).group(0)
    assert texted != password
    assert _sign_in(app, helpdesk.cnic, texted).get("/helpdesk/").headers["Location"].endswith("/password/change")


def test_the_staff_list_filters_and_searches_by_cnic_without_putting_it_in_the_url(app, client, login_as, make_user):
    make_user("enumerator", area="Lahore", cnic="35202-4000001-1", name="Lahore Enumerator")
    make_user("enumerator", area="Multan", cnic="36302-4000002-1", name="Multan Enumerator")
    make_user("supervisor", area="Multan", cnic="36302-4000003-1", name="Multan Supervisor")
    login_as("admin")
    whole = client.get("/admin/staff?role=enumerator&area=DST-MUL")
    assert whole.status_code == 200 and "Multan Enumerator" in page_text(whole)
    assert "Lahore Enumerator" not in page_text(whole) and "Multan Supervisor" not in page_text(whole)
    found = client.post("/admin/staff", data={"q": "36302-4"}, htmx=True)
    assert found.status_code == 200 and 'id="staff-list"' in page_text(found) and "<html" not in page_text(found)
    assert "Multan Supervisor" in page_text(found) and "Lahore Enumerator" not in page_text(found)
    with app.app_context():
        from app.extensions import db as _db

        searched = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.search")).one()
    assert searched.outcome == "2" and len(searched.detail["users"]) == 2  # who read which accounts
    assert client.get("/admin/staff?cursor=forged").status_code == 400


def test_a_supervisor_of_two_districts_is_listed_with_both(app, client, login_as, make_user):
    supervisor = make_user("supervisor", area="Multan", name="Two Districts")
    login_as("admin")
    client.get(f"/admin/staff/{supervisor.id}")
    saved = client.post(f"/admin/staff/{supervisor.id}", data={"full_name": "Two Districts", "role": "supervisor",
                                                             "areas": ["DST-MUL", "DST-LHR"]})
    assert saved.status_code == 302
    listed = page_text(client.get("/admin/staff?area=DST-LHR"))
    assert "Two Districts" in listed and "ملتان، لاہور" in listed


def test_the_staff_schedule_and_password_pages_are_urdu_only(app, client, login_as, make_user):
    from tests.views.test_every_page_in_urdu import english_words

    staff = make_user("supervisor", area="Lahore")
    login_as("admin")
    for path in ("/admin/staff", "/admin/staff/new", f"/admin/staff/{staff.id}", "/admin/schedules"):
        response = client.get(path)
        assert response.status_code == 200 and english_words(page_text(response)) == [], path
    client.post("/admin/schedules", data={"area": "DST-LHR", "starts_on": "2000-01-02", "ends_on": "2000-01-01",
                                          "message_ur": "پیغام", "message_en": "Message"})
    refused = client.post("/admin/schedules", data={"area": "DST-LHR"})
    assert refused.status_code == 422 and english_words(page_text(refused)) == []
    shown = client.post(f"/admin/staff/{staff.id}/password", data={"delivery": "show"})
    password = _one_time(shown)
    browser = _sign_in(app, staff.cnic, password)
    change = browser.get("/password/change")
    assert change.status_code == 200 and english_words(page_text(change)) == []


def test_the_audit_log_names_staff_changes_in_urdu(app, client, login_as, make_user):
    enumerator = make_user("enumerator", area="Lahore")
    login_as("admin")
    client.get(f"/admin/staff/{enumerator.id}")
    client.post(f"/admin/staff/{enumerator.id}/deactivate")
    client.post(f"/admin/staff/{enumerator.id}/password", data={"delivery": "show"})
    home = client.get("/admin/")
    for label in ("Staff account deactivated", "One-time password given", "shown once"):
        text = urdu(app, label)
        assert URDU_LETTERS.search(text) and html_escape(text) in page_text(home), label


def test_no_id_repeats_on_the_staff_and_schedule_pages(client, login_as, make_user):
    staff = make_user("helpdesk")
    login_as("admin")
    for path in ("/admin/staff", "/admin/staff/new", f"/admin/staff/{staff.id}", "/admin/schedules"):
        ids = re.findall(r'\sid="([^"]+)"', page_text(client.get(path)))
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))


def test_an_expired_one_time_password_is_refused_in_urdu(app, client, login_as, make_user, db):
    from datetime import UTC, datetime, timedelta

    helpdesk = make_user("helpdesk")
    login_as("admin")
    client.get(f"/admin/staff/{helpdesk.id}")
    password = _one_time(client.post(f"/admin/staff/{helpdesk.id}/password", data={"delivery": "show"}))
    db.execute(User.__table__.update().where(User.id == helpdesk.id)
               .values(password_expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    db.commit()
    browser = Browserish(app.test_client())
    browser.get("/login")
    refused = browser.post("/login", data={"cnic": helpdesk.cnic, "password": password})
    assert refused.status_code == 422
    _said_in_urdu(app, refused, "This one-time password has expired. Please ask an administrator for a new one.")
