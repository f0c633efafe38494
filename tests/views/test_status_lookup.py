"""Anyone can check a registration's stage by CNIC: never in the URL, never personal details, limited."""
from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry
from tests.helpers import html_escape, page_text, urdu


def test_registered_citizen_sees_stage_and_next_step_with_a_masked_name_only(app, client, make_user):
    make_user("citizen", cnic="35202-1000001-2", name="Muhammad Ali Khan", mobile="03001234567")
    client.get("/status")
    response = client.post("/status", data={"cnic": "3520210000012"})
    assert response.status_code == 200
    html = page_text(response)
    assert urdu(app, "Registered online") in html
    assert html_escape(urdu(app, "Nothing to do now. A survey team will visit your area; we will send you an SMS before they come.")) in html
    assert "M*** A** K***" in html
    assert "Muhammad" not in html and "03001234567" not in html
    assert '<html lang="ur" dir="rtl">' in html  # without JavaScript, the whole page re-renders


def test_htmx_lookup_gets_only_the_result_block_under_two_kilobytes(client, make_user):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/status")
    response = client.post("/status", data={"cnic": "35202-1000001-2"}, htmx=True)
    assert response.status_code == 200
    html = page_text(response)
    assert html.strip().startswith('<div id="status-area">') and "<html" not in html
    assert 'aria-invalid' not in html
    assert len(response.data) < 2048
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_cnic_is_told_how_to_register(app, client):
    client.get("/status")
    response = client.post("/status", data={"cnic": "35202-9999999-8"}, htmx=True)
    assert response.status_code == 200
    html = page_text(response)
    assert urdu(app, "This CNIC is not registered") in html
    assert 'href="/register"' in html


def test_malformed_cnic_gets_a_clear_urdu_message_and_a_422(app, client):
    client.get("/status")
    for bad, msgid in [
        ("", "Enter the CNIC number."),
        ("abc", "A CNIC has only digits, for example 35202-1234567-1."),
        ("9" * 13, "A CNIC starts with a digit from 1 to 7. Please check the first digit."),
        ("1" * 40, "A CNIC has 13 digits, for example 35202-1234567-1."),
    ]:
        response = client.post("/status", data={"cnic": bad}, htmx=True)
        assert response.status_code == 422
        assert html_escape(urdu(app, msgid)) in page_text(response)


def test_a_cnic_in_the_query_string_is_never_looked_up(client, db):
    response = client.get("/status?cnic=35202-1000001-2")
    assert response.status_code == 200
    assert 'id="status-result"' in page_text(response)
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).all() == []


def test_an_unverified_registration_says_the_mobile_is_not_yet_verified(app, client):
    from tests.helpers import valid_registration

    client.get("/register")
    client.post("/register", data=valid_registration())
    fresh = client.__class__(app.test_client())
    fresh.get("/status")
    response = fresh.post("/status", data={"cnic": "35202-7654321-3"})
    assert urdu(app, "Mobile number not yet verified") in page_text(response)


def test_every_lookup_is_audited_with_the_cnic_masked_and_hashed(client, db):
    client.get("/status")
    client.post("/status", data={"cnic": "35202-1000001-2"})
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup")).one()
    assert entry.outcome == "not_found"
    assert entry.cnic_masked == "35202-*****01-2" and len(entry.cnic_hash) == 64
    assert entry.ip_hash and "127.0.0.1" not in entry.ip_hash


def test_the_eleventh_lookup_in_a_minute_gets_an_urdu_429_with_retry_after(app, client):
    client.get("/status")
    statuses = [client.post("/status", data={"cnic": f"35202-10000{i:02d}-2"}).status_code for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    response = client.post("/status", data={"cnic": "35202-1000001-2"})
    assert response.status_code == 429
    html = page_text(response)
    assert urdu(app, "Too many attempts") in html and '<html lang="ur"' in html
    assert int(response.headers["Retry-After"]) > 0


def test_a_limited_htmx_lookup_shows_the_message_without_replacing_the_form(app, client):
    client.get("/status")
    for i in range(10):
        client.post("/status", data={"cnic": f"35202-10000{i:02d}-2"}, htmx=True)
    response = client.post("/status", data={"cnic": "35202-1000001-2"}, htmx=True)
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in page_text(response)
    assert urdu(app, "Too many attempts") in page_text(response)


def _cnic_input(html: str) -> str:
    import re

    return re.search(r'<input[^>]*name="cnic"[^>]*>', html).group(0)


def test_a_wrong_cnic_is_said_once_beside_the_marked_field_without_javascript(app, client):
    client.get("/status")
    response = client.post("/status", data={"cnic": "abc"})
    html = page_text(response)
    message = html_escape(urdu(app, "A CNIC has only digits, for example 35202-1234567-1."))
    assert response.status_code == 422 and "<html" in html
    assert html.count(message) == 1
    field = _cnic_input(html)
    assert 'aria-invalid="true"' in field and "cnic-feedback" in field
    assert 'class="field invalid"' in html and f'id="cnic-error">{message}' in html


def test_a_wrong_cnic_with_javascript_gets_the_form_back_with_the_field_marked(app, client):
    client.get("/status")
    response = client.post("/status", data={"cnic": "abc"}, htmx=True)
    html = page_text(response)
    assert response.status_code == 422
    assert html.strip().startswith('<div id="status-area">') and "<html" not in html
    assert html.count(html_escape(urdu(app, "A CNIC has only digits, for example 35202-1234567-1."))) == 1
    assert 'aria-invalid="true"' in _cnic_input(html) and 'class="field invalid"' in html
