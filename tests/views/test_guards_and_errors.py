"""CSRF, security headers, oversized input and error pages: every refusal clear, in Urdu, never a trace."""
from __future__ import annotations

import pytest

from tests.helpers import page_text, urdu, valid_registration


def test_a_forged_form_without_csrf_token_is_refused_in_urdu(app, client, db):
    response = client.post("/register", data=valid_registration(), csrf=False)
    assert response.status_code == 400
    html = page_text(response)
    assert '<html lang="ur" dir="rtl">' in html
    assert "CSRF token" not in html and "Traceback" not in html
    assert urdu(app, "The request could not be understood") in html


def test_a_forged_htmx_post_is_refused_into_the_message_area(app, client):
    response = client.post("/status", data={"cnic": "35202-1000001-2"}, csrf=False, htmx=True)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#messages"


def test_htmx_requests_carry_the_csrf_token_in_a_header(client):
    html = page_text(client.get("/status"))
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in html
    token = client.token
    response = client.client.post(
        "/status", data={"cnic": "35202-1000001-2"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_pages_carry_a_strict_content_security_policy_and_friends(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    html = page_text(response)
    assert "<script>" not in html and "hx-on" not in html and "js:" not in html
    assert '"allowEval":false' in html


def test_session_cookie_is_httponly_and_samesite(client, login_as):
    login_as("citizen")
    cookie = client.get_cookie("pser_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_oversized_input_is_refused_with_a_message(app, client):
    client.get("/register")
    response = client.post("/register", data=valid_registration(full_name="x" * 200_000))
    assert response.status_code == 413
    assert urdu(app, "Too much data") in page_text(response)


@pytest.mark.parametrize("path", ["/no-such-page", "/enumerator/nothing", "/static/nothing.css"])
def test_unknown_pages_get_an_urdu_404(app, client, path):
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/static/"):
        return
    assert urdu(app, "Page not found") in page_text(response)


def test_a_crash_shows_an_urdu_500_without_a_stack_trace(app, client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("app.public.routes.lookup_status", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        client.get("/status")
        response = client.post("/status", data={"cnic": "35202-1000001-2"})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    html = page_text(response)
    assert "secret internals" not in html and "Traceback" not in html
    assert urdu(app, "Something went wrong") in html
    assert '<html lang="ur" dir="rtl">' in html


def test_wrong_method_gets_an_urdu_page(app, client):
    response = client.client.put("/status")
    assert response.status_code == 405
    assert '<html lang="ur"' in page_text(response)


def test_healthz_answers_json_after_checking_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_production_refuses_to_start_with_the_default_secret(monkeypatch):
    from app import create_app

    monkeypatch.setenv("PSER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("backend, says", [("console", "development only"), ("carrier-pigeon", "not a known")])
def test_production_refuses_to_start_with_a_development_or_unknown_sms_backend(monkeypatch, backend, says):
    from app import create_app

    monkeypatch.setenv("PSER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k7Qx2-Vd9pLmZ3RtY8wNc4HbJf6Gs1Ua0Ek5Oi")  # random, not a sentence
    monkeypatch.setenv("SMS_BACKEND", backend)
    with pytest.raises(RuntimeError, match=f"SMS_BACKEND.*{says}"):
        create_app()
    monkeypatch.setenv("SMS_BACKEND", "outbox")
    assert create_app().config["SMS_BACKEND"] == "outbox"


def test_htmx_attributes_are_written_the_valid_html_way_in_every_template():
    """htmx reads `hx-*` and `data-hx-*` alike; only the data- spelling is valid HTML (the Nu checker)."""
    import re
    from pathlib import Path

    bare = re.compile(r"(?<![\w-])hx-[a-z-]+\s*=|'hx-[a-z-]+':")
    offenders = [f"{path}: {match.group(0)}" for path in Path("templates").rglob("*.html")
                 for match in bare.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
