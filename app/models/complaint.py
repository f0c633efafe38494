"""Complaints and everything that happens to them: state changes, replies, notes, assignments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, literal, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.complaints import OPEN_STATES, ComplaintState
from ..extensions import db
from .base import UtcDateTime, utcnow


# Literal values, never bound parameters: a prepared statement's generic plan can then still prove that
# a query's filter implies the partial indexes' predicate.
OPEN_SQL = "state IN ('assigned', 'in_progress', 'new', 'reopened')"
assert OPEN_SQL == f"state IN ({', '.join(repr(str(s)) for s in sorted(OPEN_STATES))})"


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        # The queue (open, nearest deadline first), for all of Punjab and per district; overdue counts.
        Index("ix_complaints_open_deadline", "deadline_at", "id", postgresql_where=text(OPEN_SQL),
              sqlite_where=text(OPEN_SQL)),
        Index("ix_complaints_open_district", "district_id", "deadline_at", "id", postgresql_where=text(OPEN_SQL),
              sqlite_where=text(OPEN_SQL)),
        # A supervisor's escalated complaints and an officer's own queue, in deadline order.
        Index("ix_complaints_escalated_to", "escalated_to_id", "deadline_at", "id"),
        Index("ix_complaints_assigned_to", "assigned_to_id", "deadline_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str | None] = mapped_column(String(24), unique=True)
    cnic: Mapped[str] = mapped_column(String(15), index=True)
    mobile: Mapped[str] = mapped_column(String(11))
    # active_history on what services.summaries counts: a change must tell the value it replaces.
    category: Mapped[str] = mapped_column(String(30), index=True, active_history=True)
    description: Mapped[str] = mapped_column(Text)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True, active_history=True)
    state: Mapped[str] = mapped_column(String(12), default=ComplaintState.NEW, index=True, active_history=True)
    # The account that filed it (signed in); None for a complaint filed without signing in. Only what an
    # account filed (or verified as its own) shows on its pages and counts against its cap.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                       active_history=True)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True, active_history=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), active_history=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    district = relationship("Area")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    duplicate_of = relationship("Complaint", remote_side=[id])
    @classmethod
    def is_open(cls):
        """The open states as a filter that the partial indexes serve (literal values)."""
        return cls.state.in_([literal(str(s), literal_execute=True) for s in sorted(OPEN_STATES)])

    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.at, ComplaintEvent.id", cascade="all, delete-orphan"
    )


class ComplaintEvent(db.Model):
    """One line of a complaint's timeline. `public` lines are what the citizen sees; notes stay inside."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # filed, state, reply, note, assigned, escalated, linked, resurvey, contact, rated
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str | None] = mapped_column(String(12))
    text: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor = relationship("User")


class ComplaintFiler(db.Model):
    """One row per person who files complaints: an account, or a CNIC with a mobile number (keyed hash) for
    complaints filed without signing in. A filing locks its filer's row while it counts the open
    complaints and adds one, so parallel filings by one filer are counted one after another."""

    __tablename__ = "complaint_filers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
