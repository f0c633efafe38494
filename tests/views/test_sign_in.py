"""Sign-in by CNIC and password; throttled per account; logout kills the copied cookie."""
from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry, User
from tests.conftest import PASSWORD
from tests.helpers import html_escape, page_text, urdu, urdu_plural


def test_citizen_signs_in_with_cnic_in_any_shape_and_sees_their_page(client, make_user):
    user = make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    response = client.post("/login", data={"cnic": "3520210000012", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert client.get("/me").status_code == 200
    assert user.cnic in page_text(client.get("/me"))


def test_wrong_password_gets_one_message_for_unknown_cnic_and_wrong_password(app, client, make_user):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    wrong = client.post("/login", data={"cnic": "35202-1000001-2", "password": "not-the-password"})
    unknown = client.post("/login", data={"cnic": "35202-9000001-2", "password": "not-the-password"})
    message = html_escape(urdu(app, "The CNIC or the password is not correct."))
    assert wrong.status_code == unknown.status_code == 422
    assert message in page_text(wrong) and message in page_text(unknown)


def test_five_wrong_passwords_make_this_address_wait_for_this_cnic_with_an_urdu_message(app, client, make_user, db):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    for _ in range(5):
        response = client.post("/login", data={"cnic": "35202-1000001-2", "password": "wrong-password"})
    # From this address even the right password waits now; the owner elsewhere does not (test_sign_in_throttle).
    response = client.post("/login", data={"cnic": "35202-1000001-2", "password": PASSWORD})
    assert response.status_code == 422
    wait = urdu_plural(
        app,
        "Too many wrong tries for this CNIC from this connection. For your safety, please wait "
        "%(num)s minute before trying again. Forgot your password? Call the helpline on %(helpline)s.",
        "Too many wrong tries for this CNIC from this connection. For your safety, please wait "
        "%(num)s minutes before trying again. Forgot your password? Call the helpline on %(helpline)s.",
        15,
        helpline=app.config["HELPLINE"],
    )
    assert html_escape(wait) in page_text(response)
    assert db.scalar(select(AuditEntry.outcome).order_by(AuditEntry.id.desc()).limit(1)) == "wait"
    assert db.scalars(select(User)).one().locked_until is None


def test_sign_in_is_limited_per_address(app, client, make_user):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    statuses = [
        client.post("/login", data={"cnic": f"35202-10000{i:02d}-2", "password": "x" * 8}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[-1] == 429


def test_after_logout_a_copied_session_cookie_no_longer_works(app, client, login_as):
    login_as("citizen")
    assert client.get("/me").status_code == 200
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    client.get("/me")
    client.post("/logout", data={})
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = thief.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_in_and_failures_are_audited_without_the_plain_cnic(client, make_user, db):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/login")
    client.post("/login", data={"cnic": "35202-1000001-2", "password": "wrong-password"})
    client.post("/login", data={"cnic": "35202-1000001-2", "password": PASSWORD})
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "login").order_by(AuditEntry.id)).all()
    assert [e.outcome for e in entries] == ["bad_password", "success"]
    for entry in entries:
        assert entry.cnic_masked == "35202-*****01-2"
        assert "1000001" not in (entry.cnic_hash or "") and len(entry.cnic_hash) == 64


def test_staff_go_to_their_own_home_and_citizens_cannot_open_staff_pages(app, client, login_as, make_user):
    from tests.conftest import Browserish

    homes = {"citizen": "/me", "enumerator": "/enumerator/", "supervisor": "/supervisor/", "helpdesk": "/helpdesk/",
             "admin": "/admin/"}
    for role, home in homes.items():
        browser = Browserish(app.test_client())
        user = make_user(role, area="Lahore" if role in ("enumerator", "supervisor") else None)
        browser.get("/login")
        response = browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"].endswith(home), (role, response.headers)
        assert browser.get(home).status_code == 200, role
    login_as("citizen")
    for path in ("/enumerator/", "/supervisor/", "/helpdesk/", "/admin/"):
        assert client.get(path).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in_from_private_pages(client):
    for path in ("/me", "/enumerator/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_enumerator_home_shows_their_area_by_its_urdu_name_without_the_code(client, login_as):
    login_as("enumerator", area="Multan")
    html = page_text(client.get("/enumerator/"))
    assert "ملتان" in html and "DST-MUL" not in html
    client.get("/lang/en")
    assert "Multan" in page_text(client.get("/enumerator/"))


def test_login_next_parameter_cannot_send_the_user_to_another_site(client, make_user):
    user = make_user("citizen")
    client.get("/login")
    response = client.post("/login?next=//evil.example/x", data={"cnic": user.cnic, "password": PASSWORD})
    assert response.headers["Location"].endswith("/me")


def test_the_admin_reads_the_audit_log_in_urdu_without_any_plain_cnic(app, client, login_as, make_user):
    from tests.helpers import urdu

    citizen = make_user("citizen", cnic="35202-1000001-2")
    client.get("/status")
    client.post("/status", data={"cnic": citizen.cnic})
    login_as("admin", cnic="35202-0000002-1")
    html = page_text(client.get("/admin/"))
    assert urdu(app, "Status lookup") in html and urdu(app, "Sign-in") in html
    assert "status_lookup" not in html and "35202-1000001-2" not in html and "35202-*****01-2" in html
