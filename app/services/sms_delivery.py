"""Handing queued SMS to the gateway: pick the messages that are due, mark the hand-over, record how it went,
with doubling pauses between tries. No commits here: the `sms.send` job owns each step's transaction."""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..domain.mobile import mask_mobile
from ..domain.retry import retry_delay
from ..models import SmsMessage

log = logging.getLogger("pser.sms")


@dataclass(frozen=True)
class OutgoingSms:
    """What a backend needs; `id` doubles as the gateway's idempotency reference where it takes one."""

    id: int
    to_mobile: str
    body: str
    purpose: str


class SmsBackend(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> None:
        """Hand one message over; raise to report that it was not accepted."""


def _printing_to_terminal() -> bool:
    """Only a developer's own terminal sees a message's text (so an OTP can be typed in): PSER_ENV (or
    FLASK_ENV) says development, as app.config reads it. Never in production, where this backend is refused
    at start anyway (app.config.check_production_settings)."""
    return os.environ.get("PSER_ENV", os.environ.get("FLASK_ENV", "development")) == "development"


class ConsoleBackend:
    """The development backend. The log says only that a message went out (masked number, purpose, no
    text: a body may carry a code); in development the terminal also shows the text, never the full number."""

    name = "console"

    def send(self, sms: OutgoingSms) -> None:
        log.info("SMS %s to %s (%s) handed to the console", sms.id, mask_mobile(sms.to_mobile), sms.purpose)
        if _printing_to_terminal():
            print(f"[SMS to {mask_mobile(sms.to_mobile)}] {sms.body}", file=sys.stdout, flush=True)


class SmsRefused(Exception):
    """The gateway refused the message for good (a 4xx answer: a bad number, a bad request): trying again
    would be refused the same way, so the message is `failed` at once, for an admin to look at."""


class HttpGatewayBackend:
    """An SMS gateway over HTTP: POST {"to", "text", "id"} as JSON with `Authorization: Bearer <token>`.
    2xx: sent. 4xx: refused for good (SmsRefused), except 408 and 429, which are worth another try.
    5xx, timeouts and broken connections: an exception, so the job retries with its doubling pauses. `id` is
    the outbox row's, so a gateway that keeps it can drop a repeat."""

    name = "http"

    def __init__(self, url: str, token: str, timeout: float = 10.0):
        if not url.startswith(("https://", "http://")):
            raise RuntimeError("SMS_BACKEND=http needs SMS_GATEWAY_URL (https://…)")
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> HttpGatewayBackend:
        return cls(settings.get("SMS_GATEWAY_URL") or "", settings.get("SMS_GATEWAY_TOKEN") or "",
                   float(settings.get("SMS_GATEWAY_TIMEOUT_SECONDS") or 10))

    def send(self, sms: OutgoingSms) -> None:
        body = json.dumps({"to": sms.to_mobile, "text": sms.body, "id": sms.id}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": f"pser-sms-{sms.id}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read(1024)
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise SmsRefused(f"gateway refused the message: HTTP {error.code}") from None
            raise ConnectionError(f"gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, OSError) as error:
            raise ConnectionError(f"gateway unreachable: {getattr(error, 'reason', error)}") from None
        log.info("SMS %s to %s (%s) handed to the gateway", sms.id, mask_mobile(sms.to_mobile), sms.purpose)


# Backends fit for production: a real gateway, or the outbox collected from outside the portal.
PRODUCTION_BACKENDS = frozenset({"outbox", "http"})
# None: messages stay queued in the outbox for a gateway process outside the portal to collect.
BACKENDS: dict[str, SmsBackend | None] = {"console": ConsoleBackend(), "outbox": None}
# Backends made from the settings (an address and a token) when the sending job starts.
CONFIGURED_BACKENDS = {"http": HttpGatewayBackend.from_settings}


def known_backend(name: str) -> bool:
    return name in BACKENDS or name in CONFIGURED_BACKENDS


def backend_named(name: str, settings: Mapping[str, Any] | None = None) -> SmsBackend | None:
    """The backend SMS_BACKEND names; a configured one (http) is built from `settings` (app.config)."""
    if name in CONFIGURED_BACKENDS and name not in BACKENDS:
        if settings is None:
            raise RuntimeError(f"SMS_BACKEND {name!r} needs its settings")
        return CONFIGURED_BACKENDS[name](settings)
    if name not in BACKENDS:
        raise RuntimeError(f"Unknown SMS_BACKEND {name!r}; known: {', '.join([*BACKENDS, *CONFIGURED_BACKENDS])}")
    return BACKENDS[name]


def _due(now: datetime):
    return (SmsMessage.status == "queued",
            or_(SmsMessage.next_attempt_at.is_(None), SmsMessage.next_attempt_at <= now))


def claim_due(session: Session, *, now: datetime, backend: str, limit: int = 20) -> list[OutgoingSms]:
    """Mark up to `limit` due messages as being handed to `backend`. On PostgreSQL, messages another sender
    holds are skipped, not waited for, so any number of senders share the outbox without overlap."""
    messages = session.scalars(
        select(SmsMessage).where(*_due(now)).order_by(SmsMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for message in messages:
        message.status, message.backend = "sending", backend
        message.attempts += 1
        message.last_attempt_at, message.next_attempt_at = now, None
    session.flush()
    return [OutgoingSms(m.id, m.to_mobile, m.body, m.purpose) for m in messages]


def record_sent(session: Session, message_id: int, *, now: datetime) -> None:
    session.execute(update(SmsMessage).where(SmsMessage.id == message_id)
                    .values(status="sent", sent_at=now, last_error=None)
                    .execution_options(synchronize_session=False))


def record_failure(session: Session, message_id: int, error: str, *, now: datetime, max_attempts: int,
                   retry_seconds: int, permanent: bool = False) -> str:
    """Queue the message again after a pause that doubles with each try, or give up after `max_attempts`
    (at once when the gateway refused it for good: `permanent`). Returns the new status: `queued` or `failed`."""
    message = session.get(SmsMessage, message_id)
    message.last_error = error[:300]
    if permanent or message.attempts >= max_attempts:
        message.status = "failed"
    else:
        message.status = "queued"
        message.next_attempt_at = now + timedelta(seconds=retry_delay(message.attempts, retry_seconds))
    session.flush()
    return message.status


def give_up_interrupted(session: Session, *, now: datetime, after: timedelta = timedelta(minutes=10)) -> int:
    """A message still `sending` long after its hand-over began was interrupted (a crash between the
    gateway's answer and our record of it): it may have gone out, so it is never handed over again."""
    return session.execute(
        update(SmsMessage)
        .where(SmsMessage.status == "sending", SmsMessage.last_attempt_at < now - after)
        .values(status="failed", last_error="interrupted during hand-over; not sent again to avoid a duplicate")
        .execution_options(synchronize_session=False)
    ).rowcount


def count_due(session: Session, *, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(SmsMessage).where(*_due(now)))


def next_retry_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(SmsMessage.next_attempt_at)).where(SmsMessage.status == "queued"))
