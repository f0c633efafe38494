"""A citizen's request to change or correct a verified household (a birth, a death, a move, ...), and
each step staff took on it: open → in_progress (a field visit asked) → applied | declined."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class ChangeRequest(db.Model):
    __tablename__ = "change_requests"
    # The area's queue: a district's open requests, oldest first, as one index range (and all of Punjab's for
    # the call centre); a citizen's own list, newest first.
    __table_args__ = (
        Index("ix_change_requests_district_queue", "district_id", "is_open", "created_at", "id"),
        Index("ix_change_requests_queue", "is_open", "created_at", "id"),
        Index("ix_change_requests_household", "household_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # domain.change_requests.KINDS
    details: Mapped[dict] = mapped_column(JSON)  # the short form's answers, as plain values
    state: Mapped[str] = mapped_column(String(12), default="open")
    # state is open or in_progress, kept by the write path: the queue's key, one index range.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # The household's district when the request was filed: the district's queue reads it, and checks each
    # row against the household's area now (a household that moved since drops out of the old queue).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was declined (the citizen reads it)
    field_visit_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Optimistic locking: each staff action names the version its page was made from.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Who and when, at each step.
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    visit_asked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visit_asked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The household revision the applied change went into (made by questionnaire.submit).
    revision_number: Mapped[int | None] = mapped_column(Integer)

    household = relationship("Household")
