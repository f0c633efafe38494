"""The audit log: who did what to whose record. Never holds a plain CNIC."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Keyed hash of the CNIC concerned, so that entries about one person can be found without storing it.
    cnic_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    cnic_masked: Mapped[str | None] = mapped_column(String(15))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict | None] = mapped_column(JSON)
