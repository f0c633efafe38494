"""A citizen registers with the fields of the PSER form, in Urdu, with or without JavaScript."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Household, OtpChallenge, SmsMessage, User
from tests.conftest import outbox_codes
from tests.helpers import english, html_escape, page_text, urdu, valid_registration


def test_registration_with_urdu_digits_creates_one_account_stored_canonical(client, db):
    client.get("/register")
    response = client.post("/register", data=valid_registration(cnic=" ۳۵۲۰۲۷۶۵۴۳۲۱۳ ", mobile="+92 300 1234567"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify")
    user = db.scalars(select(User)).one()
    assert user.cnic == "35202-7654321-3"
    assert user.mobile == "03001234567"
    assert user.role == "citizen"
    assert user.mobile_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    household = db.get(Household, user.household_id)
    assert household.status == "registered" and household.head_cnic == user.cnic
    assert [c.to_status for c in household.history] == ["registered"]


def test_registration_sends_a_six_digit_code_in_urdu_to_the_outbox(app, client, db):
    client.get("/register")
    client.post("/register", data=valid_registration())
    message = db.scalars(select(SmsMessage)).one()
    assert message.to_mobile == "03001234567" and message.purpose == "verify_mobile"
    assert len(outbox_codes(app, "03001234567")) == 1
    assert "PSER code" not in message.body and "پی ایس ای آر" in message.body  # in Urdu, as the page was
    assert len(message.body) <= 70  # one Urdu SMS
    challenge = db.scalars(select(OtpChallenge)).one()
    assert outbox_codes(app, "03001234567")[0] not in challenge.code_hash  # only a hash is kept


def test_registration_by_htmx_answers_with_a_redirect_header(client):
    client.get("/register")
    response = client.post("/register", data=valid_registration(), htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/verify")
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("field", "value", "msgid"),
    [
        ("cnic", "12345", "A CNIC has 13 digits, for example 35202-1234567-1."),
        ("cnic", "8520276543213", "A CNIC starts with a digit from 1 to 7. Please check the first digit."),
        ("cnic", "35202-76543x1-3", "A CNIC has only digits, for example 35202-1234567-1."),
        ("mobile", "0300123", "Enter a Pakistani mobile number of 11 digits starting with 03, for example 03001234567."),
        ("mobile", "04235761234", "Enter a Pakistani mobile number of 11 digits starting with 03, for example 03001234567."),
        ("network", "nayatel", "Choose your mobile network from the list."),
        ("email", "not-an-email", "Enter a valid email address, for example name@example.com, or leave it empty."),
        ("password", "short", "The password needs at least %(n)s characters."),
        ("password", "password123", "This password is among the most common ones and easy to guess. Please choose another."),
        ("full_name", "", "Enter your full name."),
        ("full_name", "x" * 101, "The name must be between 3 and 100 characters."),
    ],
)
def test_bad_input_is_refused_in_urdu_and_keeps_what_was_typed(app, client, db, field, value, msgid):
    client.get("/register")
    data = valid_registration(**{field: value})
    if field == "password":
        data["confirm_password"] = value
    response = client.post("/register", data=data)
    assert response.status_code == 422
    html = page_text(response)
    expected = urdu(app, msgid, n=8)
    assert expected != english(app, msgid, n=8), "the message has an Urdu translation"
    assert html_escape(expected) in html
    assert 'aria-invalid="true"' in html
    assert 'value="Muhammad Ali Khan"' in html or field == "full_name"  # nothing typed is lost
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_htmx_validation_error_returns_only_the_form_with_422(client):
    client.get("/register")
    response = client.post("/register", data=valid_registration(cnic="123"), htmx=True)
    assert response.status_code == 422
    html = page_text(response)
    assert html.lstrip().startswith("<form") or html.strip().startswith("<form")
    assert "<html" not in html
    assert 'id="register-form"' in html


def test_passwords_that_do_not_match_are_refused(app, client):
    client.get("/register")
    response = client.post("/register", data=valid_registration(confirm_password="Something-Else-99"))
    assert response.status_code == 422
    assert html_escape(urdu(app, "The two passwords do not match.")) in page_text(response)


def test_password_made_of_the_cnic_is_refused(app, client):
    client.get("/register")
    data = valid_registration(password="3520276543213", confirm_password="3520276543213")
    response = client.post("/register", data=data)
    assert response.status_code == 422
    assert html_escape(urdu(app, "The password must not contain your name, CNIC or mobile number.")) in page_text(response)


@pytest.mark.parametrize(
    ("password", "msgid"),
    [
        ("Muhammad Ali Khan", "The password must not contain your name, CNIC or mobile number."),
        ("aaaaaaaa", "Repeated letters or words, such as aaaa or abcabc, are easy to guess. "
                     "Use three or four unrelated words with a digit or sign."),
        ("lahore786", "A common word or name, even with a few digits added, is easy to guess. "
                      "Use three or four unrelated words with a digit or sign."),
        ("\u200b" * 10, "The password has an invisible character (such as a zero-width space or a line break). "
                        "Use only letters, digits, signs and ordinary spaces."),
    ],
)
def test_a_weak_password_is_refused_saying_in_urdu_why(app, client, db, password, msgid):
    client.get("/register")
    response = client.post("/register", data=valid_registration(password=password, confirm_password=password))
    assert response.status_code == 422
    assert html_escape(urdu(app, msgid)) in page_text(response)
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_every_reason_a_password_is_refused_has_a_message():
    from app.domain.passwords import REASONS
    from app.public.forms import PASSWORD_MESSAGES

    assert set(PASSWORD_MESSAGES) == set(REASONS)


def test_an_already_registered_cnic_is_refused_with_a_clear_message(app, client, db):
    client.get("/register")
    assert client.post("/register", data=valid_registration()).status_code == 302
    other = client.__class__(app.test_client())
    other.get("/register")
    response = other.post("/register", data=valid_registration(cnic="3520276543213", mobile="03451234567"))
    assert response.status_code == 422
    html = page_text(response)
    assert urdu(app, "This CNIC is already registered. Sign in, or check your status. If you did not register it, file a complaint.") in html
    assert db.scalar(select(func.count()).select_from(User)) == 1
    outcomes = db.scalars(
        select(AuditEntry.outcome).where(AuditEntry.action == "registration").order_by(AuditEntry.id)
    ).all()
    assert outcomes == ["created", "duplicate"]


def test_network_that_disagrees_with_the_prefix_is_a_gentle_warning_not_a_refusal(app, client, db):
    client.get("/register")
    check = client.post("/register/check/mobile", data={"mobile": "03001234567", "network": "zong"}, htmx=True)
    assert check.status_code == 200
    assert 'id="mobile-warning"' in page_text(check)
    response = client.post("/register", data=valid_registration(network="zong"))
    assert response.status_code == 302
    assert db.scalars(select(User)).one().network == "zong"


def test_inline_cnic_check_returns_only_the_field(app, client):
    client.get("/register")
    bad = client.post("/register/check/cnic", data={"cnic": "3520"}, htmx=True)
    assert bad.status_code == 422
    html = page_text(bad)
    assert 'id="field-cnic"' in html and "<form" not in html and "<html" not in html
    assert html_escape(urdu(app, "A CNIC has 13 digits, for example 35202-1234567-1.")) in html
    good = client.post("/register/check/cnic", data={"cnic": "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"}, htmx=True)
    assert good.status_code == 200
    assert 'value="35202-1234567-1"' in page_text(good)


def test_inline_check_does_not_reveal_whether_a_cnic_is_registered(client, make_user):
    make_user("citizen", cnic="35202-7654321-3")
    client.get("/register")
    response = client.post("/register/check/cnic", data={"cnic": "35202-7654321-3"}, htmx=True)
    assert response.status_code == 200
    assert "error" not in page_text(response)


def test_registration_form_has_a_label_for_every_field(client):
    html = page_text(client.get("/register"))
    for name in ("full_name", "cnic", "network", "mobile", "email", "password", "confirm_password"):
        assert f'<label for="{name}">' in html
        assert f'name="{name}"' in html


def test_registration_works_without_javascript_as_a_plain_form(client):
    html = page_text(client.get("/register"))
    assert 'method="post" action="/register"' in html


def test_a_registered_citizen_tells_where_they_live_and_the_areas_enumerators_see_the_household(app, client, login_as, make_user, db):
    from tests.conftest import PASSWORD, Browserish

    citizen = login_as("citizen")
    html = page_text(client.get("/me"))
    assert 'action="/me/area"' in html and "<optgroup" in html
    assert client.post("/me/area", data={"tehsil": "TSL-XXX-99"}).status_code == 302
    assert db.get(Household, citizen.household_id).area_id is None
    client.get("/me")
    client.post("/me/area", data={"tehsil": "TSL-LHR-03"})
    assert db.get(Household, citizen.household_id).area.code == "TSL-LHR-03"
    enumerator = make_user("enumerator", cnic="35202-0000004-1", area="Lahore")
    phone = Browserish(app.test_client())
    phone.get("/login")
    phone.post("/login", data={"cnic": enumerator.cnic, "password": PASSWORD})
    assert citizen.cnic in page_text(phone.get("/enumerator/?state=registered"))
