"""Sending SMS through a pluggable backend; every message is kept in the outbox table."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from ..domain.mobile import mask_mobile
from ..models import SmsMessage
from ..models.base import utcnow

log = logging.getLogger("pser.sms")


def _console_backend(message: SmsMessage) -> None:
    # The development backend: the log shows the message, so an OTP can be read from the terminal.
    log.warning("SMS to %s (%s): %s", mask_mobile(message.to_mobile), message.purpose, message.body)
    print(f"[SMS to {message.to_mobile}] {message.body}", flush=True)


def _outbox_backend(message: SmsMessage) -> None:
    """Leaves the message queued for a gateway worker to pick up."""


BACKENDS = {"console": _console_backend, "outbox": _outbox_backend}


def send_sms(session: Session, to_mobile: str, body: str, purpose: str, *, backend: str) -> SmsMessage:
    """Queue a message in the caller's transaction; `backend` is the SMS_BACKEND setting."""
    send = BACKENDS.get(backend)
    if send is None:
        raise RuntimeError(f"Unknown SMS_BACKEND {backend!r}; known: {', '.join(BACKENDS)}")
    message = SmsMessage(to_mobile=to_mobile, body=body, purpose=purpose, backend=backend)
    session.add(message)
    send(message)
    if backend == "console":
        message.status, message.sent_at = "sent", utcnow()
    return message
