"""Input no person types gets a clear, translated answer: control characters, numbers past the database's
range, names that cannot be read or that turn the text around; and the smaller hardening of the probe
(random tracking numbers, headers on static files, the proxy warning)."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from app.domain.names import name_problem
from app.models import Complaint, User
from tests.complaint_helpers import file_complaint
from tests.helpers import urdu, valid_registration
from tests.survey_helpers import form_of, start_household


def test_a_nul_in_a_form_field_is_refused_with_a_message_in_urdu(app, client):
    client.get("/status")
    response = client.post("/status", data={"cnic": "35202-1234567-1\x00"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert urdu(app, "What you sent holds characters that cannot be typed (control characters), so it was not "
                     "saved. Please type the text again, without pasting it, and send it once more.") in html


def test_a_nul_in_a_query_string_or_a_path_is_refused_not_a_500(client, login_as):
    login_as("helpdesk", area="Lahore")
    assert client.get("/helpdesk/?state=new%00&cursor=%00").status_code == 400
    assert client.get("/enumerator/households/1/consent%00").status_code in (400, 404)


def test_a_complaint_description_keeps_its_line_breaks(client):
    tracking = file_complaint(client, description="Nobody came.\r\nWe waited\tall week in Mozang.")
    assert tracking.startswith("PSER-C-")


@pytest.mark.parametrize("number", [str(2**31), "9" * 25, "-1"])
def test_a_record_number_past_the_database_is_no_page(client, login_as, number):
    login_as("helpdesk", area="Lahore")
    assert client.get(f"/helpdesk/complaints/{number}").status_code == 404
    assert client.post(f"/helpdesk/complaints/{number}/state", data={"target": "resolved"}).status_code == 404


def test_an_agent_number_past_the_database_is_a_form_error(app, client, login_as, db):
    from tests import factories

    complaint = factories.make_complaint(db, district="Lahore")
    complaint_id = complaint.id
    db.commit()
    login_as("helpdesk", area="Lahore")
    client.get(f"/helpdesk/complaints/{complaint_id}")
    for agent in (str(2**31), "9" * 25, "²", "١٢"):
        response = client.post(f"/helpdesk/complaints/{complaint_id}/assign", data={"agent": agent})
        assert response.status_code == 422, (agent, response.status_code)


def test_a_version_past_the_database_is_a_stale_form_not_a_500(app, client, login_as):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/consent")
    for version in (str(2**31), "9" * 30, "-" + "9" * 30, "²"):
        response = client.client.post(f"{base}/consent", data={**hidden, "version": version, "consent_given": "yes",
                                                                "idempotency_key": f"k-{version}-0123456789abcdef"})
        assert response.status_code < 500, (version, response.status_code)


def test_a_date_of_birth_with_a_giant_year_is_a_form_error(app, client, login_as):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    response = client.client.post(f"{base}/members", data={**hidden, "name": "Akram Ali", "relation": "head",
                                                           "sex": "male", "dob": "01/01/" + "9" * 30})
    assert response.status_code == 422


# --- names --------------------------------------------------------------------------------------

BAD_NAMES = {
    "\u200b\u200b\u200b\u200b": "A name needs letters that can be read, in Urdu or English.",
    "\u3164\u3164\u3164": "A name needs letters that can be read, in Urdu or English.",
    "...---": "A name needs letters that can be read, in Urdu or English.",
    "Ali\u202eKhan": "The name holds hidden characters that change the direction of the text. Please type it again.",
    "\u2067Ayesha Bibi\u2069": "The name holds hidden characters that change the direction of the text. Please type it again.",
    "Ali\nKhan": "A name is written on one line.",
    "Ali\r\nKhan": "A name is written on one line.",
}


@pytest.mark.parametrize(("name", "message"), list(BAD_NAMES.items()))
def test_registration_refuses_a_name_that_cannot_be_read_and_shows_back_no_control(app, client, name, message):
    client.get("/register")
    response = client.post("/register", data=valid_registration(full_name=name))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert urdu(app, message) in html
    value = re.search(r'name="full_name"[^>]*value="([^"]*)"', html) or re.search(r'value="([^"]*)"[^>]*name="full_name"', html)
    shown = value.group(1) if value else ""
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown), shown


def test_urdu_names_with_their_joiners_are_welcome(app, client, db):
    client.get("/register")
    response = client.post("/register", data=valid_registration(full_name="محمد\u200cعلی  خان"))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert db.scalars(select(User.full_name)).one() == "محمد\u200cعلی خان"


def test_a_member_name_with_a_bidi_override_is_refused_in_the_questionnaire(app, client, login_as):
    login_as("enumerator", area="Lahore")
    base = start_household(client)
    _, hidden = form_of(client, f"{base}/members")
    response = client.client.post(f"{base}/members", data={**hidden, "name": "Akram\u202e Ali", "relation": "head",
                                                           "sex": "male", "dob": "1980-05-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert urdu(app, BAD_NAMES["Ali\u202eKhan"]) in html
    assert "\u202e" not in html


@pytest.mark.parametrize("name", ["Ali", "محمد علی", "O'Brien-Khan", "Zainab Bibi", "عائشہ\u200cبی بی"])
def test_ordinary_names_pass_the_name_rule(name):
    assert name_problem(name) is None


# --- tracking numbers ---------------------------------------------------------------------------


def test_tracking_numbers_do_not_count_complaints_nor_follow_each_other(app, client, db):
    numbers = [file_complaint(client, cnic=f"35202-{1000000 + i:07d}-1") for i in range(4)]
    ids = db.scalars(select(Complaint.id).order_by(Complaint.id)).all()
    tails = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert all(re.fullmatch(r"PSER-C-\d{4}-\d{6,9}", n) for n in numbers)
    assert tails != ids and len(set(tails)) == 4
    assert [b - a for a, b in zip(tails, tails[1:])] != [1, 1, 1]


def test_a_random_tracking_number_already_taken_is_drawn_again(app, db, monkeypatch):
    from app.services import tracking_numbers
    from tests import factories

    taken = factories.make_complaint(db)
    taken.tracking_no = "PSER-C-2026-111111"
    fresh = factories.make_complaint(db)
    draws = iter(["PSER-C-2026-111111", "PSER-C-2026-111111", "PSER-C-2026-222222"])
    monkeypatch.setattr(tracking_numbers, "random_tracking_number", lambda year, digits: next(draws))
    assert tracking_numbers.assign_tracking_number(db, fresh, 2026) == "PSER-C-2026-222222"
    db.rollback()


def test_a_citizen_still_tracks_a_random_number_with_the_cnic(app, client):
    tracking = file_complaint(client)
    client.get("/complaints/track")
    found = client.post("/complaints/track", data={"tracking_no": tracking.lower(), "cnic": "35202-1234567-1"})
    assert found.status_code == 200 and tracking in found.get_data(as_text=True)
    assert urdu(app, "Received") in found.get_data(as_text=True)
    other = client.post("/complaints/track", data={"tracking_no": tracking, "cnic": "35202-7654321-1"})
    assert urdu(app, "No complaint matches this tracking number and CNIC. Please check both.") in other.get_data(as_text=True)


# --- static files and deployment ----------------------------------------------------------------


def test_static_files_carry_nosniff_and_the_other_file_headers(app, client):
    manifest = app.extensions["asset_manifest"]
    assert manifest, "no built assets: run make install"
    for path in manifest.values():
        response = client.get(f"/static/{path}")
        response.close()
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        if path.endswith(".svg"):
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("argv", "environ", "public"), [
    (["gunicorn", "--bind", "0.0.0.0:8000", "wsgi:app"], {}, ["0.0.0.0:8000"]),
    (["gunicorn", "-b", "[::]:8000", "wsgi:app"], {}, ["[::]:8000"]),
    (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 2 --bind=52.1.2.3:80"}, ["52.1.2.3:80"]),
    (["gunicorn", "wsgi:app"], {"PORT": "8080"}, ["0.0.0.0:8080"]),
    (["flask", "run", "--host", "0.0.0.0"], {}, ["0.0.0.0"]),
    (["gunicorn", "--bind", "127.0.0.1:8000", "wsgi:app"], {}, []),
    (["gunicorn", "-b", "10.0.3.4:8000", "-b", "unix:/run/pser.sock", "wsgi:app"], {}, []),
    (["gunicorn", "wsgi:app"], {}, []),  # gunicorn's own default is 127.0.0.1:8000
])
def test_proxy_fix_warns_when_the_server_listens_publicly(caplog, argv, environ, public):
    from app.deployment import warn_if_proxy_trusted_publicly

    with caplog.at_level(logging.WARNING, logger="pser.deployment"):
        assert warn_if_proxy_trusted_publicly(1, argv=argv, environ=environ) == public
    assert bool(public) == ("X-Forwarded-For" in caplog.text)


def test_no_proxy_warning_when_proxy_fix_is_off(caplog):
    from app.deployment import warn_if_proxy_trusted_publicly

    assert warn_if_proxy_trusted_publicly(0, argv=["gunicorn", "-b", "0.0.0.0:80"], environ={}) == []


def test_the_app_warns_at_start_with_proxy_fix_and_a_public_bind(monkeypatch, caplog, tmp_path):
    import sys

    from app import create_app

    monkeypatch.setattr(sys, "argv", ["gunicorn", "--bind", "0.0.0.0:8000", "wsgi:app"])
    with caplog.at_level(logging.WARNING, logger="pser.deployment"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    "SECRET_KEY": "x" * 48, "PROXY_FIX_X_FOR": 1})
    assert "0.0.0.0:8000" in caplog.text
