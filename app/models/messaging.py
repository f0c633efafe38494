"""The SMS outbox and one-time codes sent through it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class SmsMessage(db.Model):
    """A message to one mobile: queued by a use case, handed to the gateway by the `sms.send` job, retried
    with growing pauses, `failed` after the last try. `sending` marks a hand-over in progress: a message
    left there by a crash is never handed over again, so nobody receives it twice."""

    __tablename__ = "sms_outbox"
    __table_args__ = (
        # Only the few messages still to send: the job's pick stays quick however long the outbox grows.
        Index("ix_sms_outbox_pending", "status", "id", postgresql_where=text("status IN ('queued', 'sending')"),
              sqlite_where=text("status IN ('queued', 'sending')")),
        # The admin's outbox filtered by state, newest first (/admin/outbox).
        Index("ix_sms_outbox_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_mobile: Mapped[str] = mapped_column(String(11), index=True)
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str] = mapped_column(String(20), default="")  # the one it was handed to
    status: Mapped[str] = mapped_column(String(10), default="queued")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))


class OtpChallenge(db.Model):
    """A 6-digit code for one user and purpose; only its hash is kept."""

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="verify_mobile")
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sends: Mapped[int] = mapped_column(Integer, default=1)
    last_sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    consumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Where the code went when that is not the account's own number yet (a change of mobile): the number
    # becomes the account's only once this code is confirmed.
    target_mobile: Mapped[str | None] = mapped_column(String(11))
