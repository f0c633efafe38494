"""Sending SMS: a use case queues the message in the outbox; the `sms.send` job hands it to the gateway
(app/services/sms_delivery.py) once the use case's transaction commits, retrying with growing pauses."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import SmsMessage

SEND_JOB = "sms.send"


def send_sms(session: Session, to_mobile: str, body: str, purpose: str) -> SmsMessage:
    from ..jobs import enqueue_once

    message = SmsMessage(to_mobile=to_mobile, body=body, purpose=purpose, backend="", status="queued")
    session.add(message)
    enqueue_once(session, SEND_JOB)  # one sending job per transaction, however many messages it queues
    return message
