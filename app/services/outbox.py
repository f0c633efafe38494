"""The SMS outbox as the administrator sees it: messages by state and purpose, newest first, numbers masked,
the text only of messages that never carry a code; failed messages sent again on request (audited)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.mobile import mask_mobile
from ..models import SmsMessage
from . import audit
from .context import ServiceContext
from .housekeeping import PURPOSES_WITHOUT_CODE
from .keyset import Keyset, Page, paginate

STATES = ("queued", "sending", "sent", "failed")
# The purposes the portal sends for; a purpose added later is listed by its code until it gets a label.
PURPOSES = ("verify_mobile", "sign_in", "reset_password", "change_mobile", "change_notice", "complaint",
            "review", "sms_reply")
_PURPOSE_SHAPE = re.compile(r"[a-z_]{1,20}")
NEWEST_FIRST = Keyset((SmsMessage.id,), (int,), descending=True)
PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxRow:
    """One message for the list: never the full number, never a text that may carry a code."""

    id: int
    masked_mobile: str
    purpose: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    body: str | None  # None: hidden (a code may be in it), or removed after use
    has_text: bool  # False once the text was removed (a code past its use): such a message cannot be sent again

    @property
    def retryable(self) -> bool:
        return self.status == "failed" and self.has_text


def shows_text(purpose: str) -> bool:
    """Only purposes known to carry no code show their text; any other (and any purpose added later) may."""
    return purpose in PURPOSES_WITHOUT_CODE


def valid_filter(state: str | None, purpose: str | None) -> tuple[str | None, str | None]:
    """The filters as asked, or None where the value is none the list knows."""
    return (state if state in STATES else None,
            purpose if purpose and _PURPOSE_SHAPE.fullmatch(purpose) else None)


def outbox_page(session: Session, *, state: str | None, purpose: str | None, cursor: str | None,
                limit: int = PAGE_SIZE) -> tuple[Page, list[OutboxRow]]:
    """One page of the outbox, newest first (BadCursor for a cursor the portal did not make)."""
    query = select(SmsMessage)
    if state:
        query = query.where(SmsMessage.status == state)
    if purpose:
        query = query.where(SmsMessage.purpose == purpose)
    page = paginate(session, query, NEWEST_FIRST, cursor, limit=limit)
    rows = [OutboxRow(m.id, mask_mobile(m.to_mobile), m.purpose, m.status, m.attempts, m.created_at, m.sent_at,
                      m.next_attempt_at, m.last_error, m.body if shows_text(m.purpose) and m.body else None, bool(m.body))
            for m in page.rows]
    return page, rows


def retry_failed(session: Session, ctx: ServiceContext, message_ids: list[int], *, actor_id: int,
                 ip: str | None) -> list[int]:
    """Queue failed messages again for the sending job, with a fresh count of tries. Only `failed` messages
    whose text is still there move (a code's text is removed once it expired: that message cannot be sent
    again, the citizen asks for a new code). Retrying twice moves them once: the second finds none failed."""
    from ..jobs import enqueue_once

    ids = sorted({i for i in message_ids if isinstance(i, int)})
    moved: list[int] = []
    if ids:
        moved = list(session.scalars(
            update(SmsMessage)
            .where(SmsMessage.id.in_(ids), SmsMessage.status == "failed", SmsMessage.body != "")
            .values(status="queued", attempts=0, next_attempt_at=None)
            .returning(SmsMessage.id)
            .execution_options(synchronize_session=False)))
    for message_id in moved:
        audit.record(session, ctx, "sms.retry", actor_id=actor_id, ip=ip, outcome=str(message_id))
    if moved:
        enqueue_once(session, "sms.send")
    return sorted(moved)
