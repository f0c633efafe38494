"""Sending SMS: a use case queues the message in the outbox; the `sms.send` job hands it to the gateway
(app/services/sms_delivery.py) once the use case's transaction commits, retrying with growing pauses."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import SmsMessage
from .sms_delivery import known_backend

SEND_JOB = "sms.send"


def send_sms(session: Session, to_mobile: str, body: str, purpose: str, *, backend: str) -> SmsMessage:
    """Queue a message in the caller's transaction; `backend` is the SMS_BACKEND setting. The message goes
    out with the `sms.send` job that this transaction starts when it commits."""
    from ..jobs import enqueue_once

    if not known_backend(backend):  # an unknown backend is refused here, in the use case, not later in the job
        raise RuntimeError(f"Unknown SMS_BACKEND {backend!r}")
    message = SmsMessage(to_mobile=to_mobile, body=body, purpose=purpose, backend=backend, status="queued")
    session.add(message)
    enqueue_once(session, SEND_JOB)  # one sending job per transaction, however many messages it queues
    return message
