"""An operator who starts the portal with PSER_ENV=production and a setting that would leave it open is
refused at start, with a message that says what to change; behind the TLS proxy it sends HSTS."""
from __future__ import annotations

import secrets

import pytest

from app.config import secret_key_weakness

GOOD_KEY = "k7Qx2-Vd9pLmZ3RtY8wNc4HbJf6Gs1Ua0Ek5Oi"


@pytest.fixture
def production(monkeypatch, tmp_path):
    for name in ("BEHIND_PROXY", "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST", "PREFERRED_URL_SCHEME",
                 "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PSER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("SMS_BACKEND", "outbox")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    return monkeypatch


@pytest.mark.parametrize("key, says", [
    ("", "missing"),
    ("dev-only-not-secret-change-me", "development key"),
    ("Zq8#pL2!", "too short"),
    ("a" * 64, "not random enough"),
    ("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "not random enough"),
    ("please-change-this-to-something-long-and-random", "placeholder"),
])
def test_a_weak_secret_key_is_named_for_what_is_wrong_with_it(key, says):
    assert says in secret_key_weakness(key)


def test_keys_made_as_the_readme_says_are_strong():
    for _ in range(50):
        assert secret_key_weakness(secrets.token_urlsafe(48)) is None
        assert secret_key_weakness(secrets.token_hex(32)) is None


def test_production_refuses_a_repetitive_secret_key(production):
    from app import create_app

    production.setenv("SECRET_KEY", "ab" * 30)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not random enough"):
        create_app()


def test_production_refuses_a_proxy_in_front_whose_headers_are_not_trusted(production):
    from app import create_app

    production.setenv("BEHIND_PROXY", "1")
    production.setenv("PROXY_FIX_X_FOR", "0")
    with pytest.raises(RuntimeError, match="BEHIND_PROXY=1 but PROXY_FIX_X_FOR=0"):
        create_app()
    production.setenv("PROXY_FIX_X_FOR", "1")  # X-Forwarded-Proto is trusted by default behind a proxy
    app = create_app()
    assert (app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]) == (1, 1)


def test_production_refuses_to_trust_forwarded_headers_without_a_proxy(production):
    from app import create_app

    production.setenv("PROXY_FIX_X_FOR", "1")
    with pytest.raises(RuntimeError, match="BEHIND_PROXY is not set"):
        create_app()


def test_production_refuses_plain_http_and_cookies_without_secure(production):
    from app import create_app

    production.setenv("PREFERRED_URL_SCHEME", "http")
    with pytest.raises(RuntimeError, match="PREFERRED_URL_SCHEME must be https"):
        create_app()
    production.setenv("PREFERRED_URL_SCHEME", "https")
    production.setenv("SESSION_COOKIE_SECURE", "0")
    with pytest.raises(RuntimeError, match="SESSION_COOKIE_SECURE"):
        create_app()


def test_behind_the_tls_proxy_the_portal_sends_hsts_and_secure_cookies(production):
    """The bug of issue 13: X-Forwarded-Proto was trusted only when PROXY_FIX_X_FOR was above 0."""
    from app import create_app

    production.setenv("BEHIND_PROXY", "1")
    production.setenv("PROXY_FIX_X_FOR", "1")
    production.setenv("PROXY_FIX_X_PROTO", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    # gunicorn itself speaks plain http to nginx; only the proxy's header says the visitor used TLS.
    plain = "http://portal.example"
    over_tls = client.get("/robots.txt", base_url=plain, headers={"X-Forwarded-Proto": "https"})
    assert over_tls.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/robots.txt", base_url=plain).headers
    page = client.get("/lang/en", base_url=plain, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["Set-Cookie"]


def test_x_forwarded_proto_is_trusted_on_its_own_setting(monkeypatch, tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "SECRET_KEY": GOOD_KEY, "PROXY_FIX_X_FOR": 0, "PROXY_FIX_X_PROTO": 1})
    answer = app.test_client().get("/robots.txt", base_url="http://portal.example",
                                   headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in answer.headers
