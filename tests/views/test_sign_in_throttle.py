"""A stranger's wrong passwords slow the stranger, never the owner, and never tell who has an account."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import limiter
from app.models import User
from tests.conftest import PASSWORD, Browserish, outbox_codes
from tests.helpers import page_text

OWNER_CNIC, OWNER_MOBILE = "35202-1000001-2", "03001112223"


def _browser_at(app, address: str) -> Browserish:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    browser = Browserish(client)
    browser.get("/login")
    return browser


def _wrong(browser, cnic=OWNER_CNIC):
    return browser.post("/login", data={"cnic": cnic, "password": "Wrong-Guess-2026"})


def _without_address_limits(action):
    # The per-address limit in Redis/memory would stop a stranger sooner; these tests are about the database's.
    limiter.enabled = False
    try:
        return action()
    finally:
        limiter.enabled = True


def test_a_strangers_fifty_wrong_tries_do_not_stop_the_owner(app, make_user):
    make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    stranger = _browser_at(app, "203.0.113.66")
    statuses = _without_address_limits(lambda: [_wrong(stranger).status_code for _ in range(50)])
    assert statuses == [422] * 50

    owner = _browser_at(app, "198.51.100.7")
    response = owner.post("/login", data={"cnic": OWNER_CNIC, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")


def test_wrong_tries_from_many_addresses_ask_the_owner_for_a_code_and_never_lock_them_out(app, make_user, db):
    make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    _without_address_limits(lambda: [_wrong(_browser_at(app, f"203.0.113.{n}")) for n in range(50)])

    owner = _browser_at(app, "198.51.100.7")
    response = owner.post("/login", data={"cnic": OWNER_CNIC, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert owner.get("/me").status_code == 302  # not signed in on the password alone
    page = owner.get("/login/code")
    assert page.status_code == 200 and "0300*****23" in page_text(page)
    response = owner.post("/login/code", data={"code": outbox_codes(app, OWNER_MOBILE)[-1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert owner.get("/me").status_code == 200
    assert db.scalars(select(User.failed_logins)).one() == 0


def test_a_stranger_who_guessed_the_password_still_needs_the_owners_phone(app, make_user):
    make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    _without_address_limits(lambda: [_wrong(_browser_at(app, f"203.0.113.{n}")) for n in range(12)])
    stranger = _browser_at(app, "203.0.113.200")
    stranger.post("/login", data={"cnic": OWNER_CNIC, "password": PASSWORD})
    stranger.get("/login/code")
    code = outbox_codes(app, OWNER_MOBILE)[-1]
    guesses = [g for g in ("000000", "111111", "222222", "333333", "444444", "555555") if g != code][:5]
    for guess in guesses:
        assert stranger.post("/login/code", data={"code": guess}).status_code == 422
    assert stranger.post("/login/code", data={"code": code}).status_code == 422  # tries used up
    assert stranger.get("/me").status_code == 302


def _as_seen(response, cnic: str) -> str:
    """The page with what legitimately differs (the typed CNIC, the fresh CSRF token) blanked out."""
    html = page_text(response).replace(cnic, "CNIC")
    return re.sub(r'(csrf_token" type="hidden" value="|"X-CSRFToken": ")[^"]+', r"\1TOKEN", html)


def test_unknown_and_known_cnics_get_the_same_answers_and_the_same_wait(app, make_user):
    make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    unknown_cnic = "35202-9000009-2"
    known = _browser_at(app, "203.0.113.5")
    unknown = _browser_at(app, "203.0.113.5")
    answers_known = _without_address_limits(lambda: [_wrong(known) for _ in range(7)])
    answers_unknown = _without_address_limits(lambda: [_wrong(unknown, unknown_cnic) for _ in range(7)])
    assert [r.status_code for r in answers_known] == [r.status_code for r in answers_unknown] == [422] * 7
    for a, b in zip(answers_known, answers_unknown, strict=True):
        assert _as_seen(a, OWNER_CNIC) == _as_seen(b, unknown_cnic)
    assert _as_seen(answers_known[0], OWNER_CNIC) != _as_seen(answers_known[-1], OWNER_CNIC)  # the wait began


def test_the_wait_message_gives_the_helpline_number_to_call(app, make_user):
    make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    stranger = _browser_at(app, "203.0.113.67")
    responses = _without_address_limits(lambda: [_wrong(stranger) for _ in range(6)])
    text = page_text(responses[-1])
    assert "انتظار" in text and app.config["HELPLINE"] in text, text[-800:]
