"""The audit log: who did what to whose record, from where and why. Never holds a plain CNIC.

Append-only: the application only inserts (tests/test_audit_append_only.py greps for the rest), and on
PostgreSQL a trigger made by migration 0021 refuses UPDATE and DELETE. The log outlives what it names, so
its columns are plain numbers, not foreign keys with referential actions (which would rewrite it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The viewer's filters, newest first: each index leads with one filter and ends in the list's order
    # (at, id), so a filtered page is one index range however long the log grows.
    __table_args__ = (
        Index("ix_audit_entries_household_at", "household_id", "at", "id"),
        Index("ix_audit_entries_actor_at", "actor_id", "at", "id"),
        Index("ix_audit_entries_area_at", "area_id", "at", "id"),
        Index("ix_audit_entries_action_at", "action", "at", "id"),
        Index("ix_audit_entries_at_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    # The actor's role when they acted (roles change; "who looked at my data" shows the role of the time).
    actor_role: Mapped[str | None] = mapped_column(String(12))
    # Keyed hash of the CNIC concerned, so that entries about one person can be found without storing it.
    cnic_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    cnic_masked: Mapped[str | None] = mapped_column(String(15))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict | None] = mapped_column(JSON)
    # The household concerned, and its district (the viewer's "area" filter).
    household_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)
    # Why: the stated reason (a flow's code such as "review", or the words a helpdesk agent typed).
    reason: Mapped[str | None] = mapped_column(String(300))
