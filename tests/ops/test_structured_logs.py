"""Structured logs: with LOG_FORMAT=json every line is one JSON object, each made during a request carries the
request id that the response's X-Request-ID header carries too; the proxy's id is kept only when trusted;
and neither a CNIC, a mobile number, a name, a code nor a password reaches a line."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest

from app.ops.request_log import JsonLines, RequestFields
from tests.conftest import outbox_codes
from tests.helpers import valid_registration

CNIC, MOBILE, NAME, PASSWORD = "35202-7654321-3", "03451239876", "Muhammad Ali Khan", "Kites-Over-Ravi-77"


@pytest.fixture
def json_log():
    """The root logger written as JSON lines into a buffer, as configure_logging sets up stderr."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestFields())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def lines(buffer: io.StringIO) -> list[dict]:
    text = buffer.getvalue()
    return [json.loads(line) for line in text.splitlines()]  # raises if any line is not one JSON object


def test_every_line_is_json_with_the_request_id_the_response_carried(app, client, json_log):
    responses = [client.get("/status"), client.get("/no-such-page"), client.post("/status", data={"cnic": "12"})]
    records = lines(json_log)
    access = [r for r in records if r["logger"] == "pser.request"]
    assert [(r["method"], r.get("endpoint"), r["status"]) for r in access] == [
        ("GET", "public.status", 200), ("GET", None, 404), ("POST", "public.status", 422)]
    assert len(access) == 3
    for response, line in zip(responses, access, strict=True):
        request_id = response.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
        assert line["request_id"] == request_id and line["status"] == response.status_code
        assert line["duration_ms"] >= 0 and line["level"] == "info" and line["time"].endswith("+00:00")
    assert len({r["request_id"] for r in access}) == 3


def test_the_proxys_request_id_is_kept_only_when_trusted(app, client, monkeypatch):
    offered = "0123456789abcdef0123456789abcdef"
    assert client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"] != offered
    monkeypatch.setitem(app.config, "TRUST_REQUEST_ID", True)
    assert client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"] == offered
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected {} line'}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)  # not an id: replaced by our own
    personal = client.get("/healthz", headers={"X-Request-ID": CNIC}).headers["X-Request-ID"]
    assert personal != CNIC and re.fullmatch(r"[0-9a-f]{32}", personal)  # a CNIC never becomes the id


def test_a_registration_and_a_server_error_log_no_personal_data(app, client, db, json_log, monkeypatch):
    client.get("/register")
    response = client.post("/register", data=valid_registration(cnic=CNIC, mobile=MOBILE, full_name=NAME,
                                                                 password=PASSWORD, confirm_password=PASSWORD))
    assert response.status_code == 302
    code = outbox_codes(app, MOBILE)[-1]
    assert client.post("/verify", data={"code": code}).status_code == 302

    from app.public import routes as public_routes

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"lookup failed for {CNIC} at {MOBILE}")

    monkeypatch.setattr(public_routes, "render_page", broken)
    failed = client.get("/status")
    assert failed.status_code == 500
    records = lines(json_log)
    error = [r for r in records if r["level"] == "error"]
    assert error and error[0]["request_id"] == failed.headers["X-Request-ID"] and "exception" in error[0]
    text = json_log.getvalue()
    digits = (CNIC.replace("-", ""), MOBILE[1:])
    for secret in (CNIC, MOBILE, NAME, PASSWORD, code, *digits):
        assert secret not in text, secret


def test_json_is_what_a_production_process_writes_to_stderr(tmp_path):
    """A process started with LOG_FORMAT=json (the production default) writes nothing but JSON lines."""
    script = textwrap.dedent(f"""
        from app import create_app
        app = create_app({{"TESTING": True, "SECRET_KEY": "k" * 40, "RATELIMIT_STORAGE_URI": "memory://",
                           "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / 'db.sqlite3'}"}})
        client = app.test_client()
        for path in ("/healthz", "/readyz", "/missing"):
            print(client.get(path).headers["X-Request-ID"])
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "LOG_FORMAT": "json"}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, check=True, capture_output=True,
                          text=True)
    ids = done.stdout.split()
    records = [json.loads(line) for line in done.stderr.splitlines()]
    access = [r for r in records if r["logger"] == "pser.request"]
    assert [r["request_id"] for r in access] == ids
    assert [(r["endpoint"] if "endpoint" in r else None, r["status"]) for r in access] == [
        ("public.healthz", 200), ("ops.readyz", 503), (None, 404)]  # readyz: this database was never migrated
