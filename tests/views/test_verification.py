"""The citizen confirms the mobile with a 6-digit code: 10 minutes, 5 tries, resend after a cool-down."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.models import OtpChallenge, User
from app.models.base import utcnow
from tests.conftest import outbox_codes
from tests.helpers import html_escape, page_text, urdu, urdu_plural, valid_registration


def _register(client):
    client.get("/register")
    assert client.post("/register", data=valid_registration()).status_code == 302
    client.get("/verify")


def test_the_right_code_activates_the_account_and_signs_the_citizen_in_on_their_page(app, client, db):
    _register(client)
    code = outbox_codes(app, "03001234567")[-1]
    response = client.post("/verify", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert db.scalars(select(User)).one().is_verified
    assert client.get("/me").status_code == 200


def test_a_code_typed_in_urdu_digits_is_accepted(app, client, db):
    _register(client)
    code = outbox_codes(app, "03001234567")[-1]
    urdu_code = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert client.post("/verify", data={"code": urdu_code}).status_code == 302
    assert db.scalars(select(User)).one().is_verified


def test_wrong_codes_say_how_many_tries_are_left_and_lock_after_five(app, client, db):
    _register(client)
    code = outbox_codes(app, "03001234567")[-1]
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post("/verify", data={"code": wrong})
        assert response.status_code == 422
        expected = urdu_plural(app, "The code is not correct. %(num)s try left.", "The code is not correct. %(num)s tries left.", left)
        assert html_escape(expected) in page_text(response)
    response = client.post("/verify", data={"code": wrong})
    assert html_escape(urdu(app, "Too many wrong codes. Ask for a new code.")) in page_text(response)
    # Even the right code no longer works once the tries are used up.
    response = client.post("/verify", data={"code": code})
    assert response.status_code == 422
    assert not db.scalars(select(User)).one().is_verified


def test_an_expired_code_is_refused(app, client, db):
    _register(client)
    code = outbox_codes(app, "03001234567")[-1]
    db.execute(update(OtpChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    response = client.post("/verify", data={"code": code})
    assert response.status_code == 422
    assert html_escape(urdu(app, "This code has expired. Ask for a new code.")) in page_text(response)


def test_a_new_code_waits_for_the_cool_down_then_replaces_the_old_one(app, client, db):
    _register(client)
    first = outbox_codes(app, "03001234567")[-1]
    client.post("/verify/resend", data={})
    assert len(outbox_codes(app, "03001234567")) == 1  # too soon: nothing sent
    db.execute(update(OtpChallenge).values(last_sent_at=utcnow() - timedelta(minutes=2)))
    db.commit()
    client.post("/verify/resend", data={})
    codes = outbox_codes(app, "03001234567")
    assert len(codes) == 2
    client.get("/verify")
    if codes[-1] != first:
        assert client.post("/verify", data={"code": first}).status_code == 422
    assert client.post("/verify", data={"code": codes[-1]}).status_code == 302


def test_a_code_that_is_not_six_digits_gets_a_clear_message(app, client):
    _register(client)
    response = client.post("/verify", data={"code": "12ab"})
    assert response.status_code == 422
    assert html_escape(urdu(app, "The code has 6 digits.")) in page_text(response)


def test_verify_page_without_a_pending_registration_sends_to_sign_in(client):
    response = client.get("/verify")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
