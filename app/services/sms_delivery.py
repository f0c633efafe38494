"""Handing queued SMS to the gateway: pick the messages that are due, mark the hand-over, record how it went,
with doubling pauses between tries. No commits here: the `sms.send` job owns each step's transaction."""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

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


# Backends fit for production: a real gateway, or the outbox collected from outside the portal.
PRODUCTION_BACKENDS = frozenset({"outbox"})
# None: messages stay queued in the outbox for a gateway process outside the portal to collect.
BACKENDS: dict[str, SmsBackend | None] = {"console": ConsoleBackend(), "outbox": None}


def backend_named(name: str) -> SmsBackend | None:
    if name not in BACKENDS:
        raise RuntimeError(f"Unknown SMS_BACKEND {name!r}; known: {', '.join(BACKENDS)}")
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
                   retry_seconds: int) -> str:
    """Queue the message again after a pause that doubles with each try, or give up after `max_attempts`.
    Returns the new status: `queued` (to retry) or `failed`."""
    message = session.get(SmsMessage, message_id)
    message.last_error = error[:300]
    if message.attempts >= max_attempts:
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
