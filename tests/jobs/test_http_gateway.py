"""The HTTP SMS gateway backend against a stub gateway this test starts on 127.0.0.1: JSON {to, text, id} with
a bearer token; 2xx sent, 4xx refused for good, 5xx and timeouts retried; a failing gateway loses nothing."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.models import SmsMessage
from app.services.sms import send_sms
from app.services.sms_delivery import HttpGatewayBackend, OutgoingSms, SmsRefused

TOKEN = "gateway-token-123"


class StubGateway:
    """Answers each POST with the next status of `script` (then 200), remembering what it accepted."""

    def __init__(self):
        self.script: list[int | str] = []
        self.received: list[dict] = []
        self.accepted: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.received.append({**body, "auth": self.headers.get("Authorization"),
                                      "type": self.headers.get("Content-Type")})
                answer = stub.script.pop(0) if stub.script else 200
                if answer == "slow":
                    time.sleep(1.5)
                    answer = 200
                if 200 <= answer < 300:
                    stub.accepted.append(body)
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    gateway = StubGateway()
    yield gateway
    gateway.close()


@pytest.fixture
def http_backend(app, monkeypatch, stub):
    for key, value in {"SMS_BACKEND": "http", "SMS_GATEWAY_URL": stub.url, "SMS_GATEWAY_TOKEN": TOKEN,
                       "SMS_GATEWAY_TIMEOUT_SECONDS": 1.0, "SMS_RETRY_SECONDS": 0, "SMS_MAX_ATTEMPTS": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    return stub


def queue(app, db, *bodies: str, to: str = "03001234567") -> list[int]:
    with app.app_context():
        messages = [send_sms(db, to, body, "test", backend="http") for body in bodies]
        db.flush()
        ids = [m.id for m in messages]
        db.commit()  # the sending job runs inline after the commit
    db.expire_all()
    return ids


def test_a_message_is_posted_as_json_with_the_bearer_token_and_marked_sent(app, db, http_backend):
    [message_id] = queue(app, db, "آپ کی شکایت درج ہو گئی")
    [request] = http_backend.received
    assert request == {"to": "03001234567", "text": "آپ کی شکایت درج ہو گئی", "id": message_id,
                       "auth": f"Bearer {TOKEN}", "type": "application/json; charset=utf-8"}
    message = db.get(SmsMessage, message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)


def test_a_failing_gateway_500s_then_recovers_and_no_message_is_lost(app, db, http_backend):
    http_backend.script = [500, 503, 502, 500]
    ids = queue(app, db, "one", "two", "three")
    messages = db.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
    assert [m.status for m in messages] == ["sent"] * 3
    assert sorted(body["id"] for body in http_backend.accepted) == ids  # each accepted exactly once
    assert sum(m.attempts for m in messages) == 3 + 4  # four refusals retried


def test_a_gateway_that_times_out_is_tried_again(app, db, http_backend):
    http_backend.script = ["slow"]  # slower than the 1 s timeout: the portal gives up on that try
    [message_id] = queue(app, db, "hello")
    message = db.get(SmsMessage, message_id)
    assert message.status == "sent" and message.attempts >= 2
    assert len(http_backend.received) >= 2


def test_a_gateway_that_stays_down_leaves_the_message_failed_with_its_error_for_an_admin(app, db, http_backend,
                                                                                       monkeypatch):
    monkeypatch.setitem(app.config, "SMS_MAX_ATTEMPTS", 3)
    http_backend.script = [500] * 10
    [message_id] = queue(app, db, "hello")
    message = db.get(SmsMessage, message_id)
    assert (message.status, message.attempts) == ("failed", 3)
    assert "HTTP 500" in message.last_error and message.body == "hello"  # kept, so an admin can retry it


def test_a_4xx_refusal_is_final_and_not_retried(app, db, http_backend):
    http_backend.script = [400]
    [message_id] = queue(app, db, "hello")
    message = db.get(SmsMessage, message_id)
    assert (message.status, message.attempts, len(http_backend.received)) == ("failed", 1, 1)
    assert "HTTP 400" in message.last_error


def test_429_and_408_are_worth_another_try(stub):
    backend = HttpGatewayBackend(stub.url, TOKEN, timeout=1)
    for status in (429, 408):
        stub.script = [status]
        with pytest.raises(ConnectionError):
            backend.send(OutgoingSms(1, "03001234567", "x", "test"))
    stub.script = [404]
    with pytest.raises(SmsRefused):
        backend.send(OutgoingSms(1, "03001234567", "x", "test"))


def test_an_unreachable_gateway_is_a_retryable_error():
    backend = HttpGatewayBackend("http://127.0.0.1:1/send", TOKEN, timeout=1)
    with pytest.raises(ConnectionError):
        backend.send(OutgoingSms(1, "03001234567", "x", "test"))


def test_production_takes_the_http_gateway_once_configured(monkeypatch):
    from app import create_app

    monkeypatch.setenv("PSER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k7Qx2-Vd9pLmZ3RtY8wNc4HbJf6Gs1Ua0Ek5Oi")
    monkeypatch.setenv("SMS_BACKEND", "http")
    monkeypatch.delenv("SMS_GATEWAY_URL", raising=False)
    with pytest.raises(RuntimeError, match="SMS_GATEWAY_URL"):
        create_app()
    monkeypatch.setenv("SMS_GATEWAY_URL", "https://sms.example.pk/send")
    monkeypatch.setenv("SMS_GATEWAY_TOKEN", "t0ken")
    assert create_app().config["SMS_BACKEND"] == "http"


def test_production_with_inbound_sms_enabled_refuses_to_start_without_its_secret(monkeypatch):
    from app import create_app

    monkeypatch.setenv("PSER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k7Qx2-Vd9pLmZ3RtY8wNc4HbJf6Gs1Ua0Ek5Oi")
    monkeypatch.setenv("SMS_BACKEND", "outbox")
    monkeypatch.delenv("SMS_INBOUND_SECRET", raising=False)
    monkeypatch.delenv("SMS_INBOUND_ENABLED", raising=False)
    assert create_app()  # inbound SMS off: no secret needed
    monkeypatch.setenv("SMS_INBOUND_ENABLED", "1")
    with pytest.raises(RuntimeError, match="SMS_INBOUND_SECRET"):
        create_app()
    monkeypatch.setenv("SMS_INBOUND_SECRET", "short")
    with pytest.raises(RuntimeError, match="SMS_INBOUND_SECRET"):
        create_app()
    monkeypatch.setenv("SMS_INBOUND_SECRET", "s" * 40)
    assert create_app().config["SMS_INBOUND_ENABLED"] is True
