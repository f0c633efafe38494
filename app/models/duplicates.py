"""Pairs of members of two households that may be the same person (services.duplicates), and what a
supervisor decided about them. A pair never merges or deletes anything: it records a suspicion and a decision.

Members keep their ids across edits, so a decision names the two members. A member removed and added again
gets a new id: each side also keeps a stable identity, its household and `name_key|sex`, and a later search
that finds the same two people again re-attaches the decided pair to the new ids instead of opening a new one
(services.duplicates.record_candidates)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow

PAIR_STATES = ("open", "duplicate", "distinct")


class DuplicatePair(db.Model):
    __tablename__ = "duplicate_pairs"
    # Side a is the member of the household with the lower id, so that a pair has one way of being written.
    __table_args__ = (
        UniqueConstraint("member_a_id", "member_b_id", name="uq_duplicate_pairs_members"),
        Index("ix_duplicate_pairs_district_list", "district_id", "state", "id"),
        Index("ix_duplicate_pairs_identity", "household_a_id", "identity_a", "household_b_id", "identity_b"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plain integers, not foreign keys: a removed member's pair (and its decision) is kept.
    member_a_id: Mapped[int] = mapped_column(Integer, index=True)
    member_b_id: Mapped[int] = mapped_column(Integer, index=True)
    household_a_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    household_b_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    identity_a: Mapped[str] = mapped_column(String(220))  # name_key|sex
    identity_b: Mapped[str] = mapped_column(String(220))
    district_id: Mapped[int | None] = mapped_column(Integer)  # whose supervisors see it
    score: Mapped[float] = mapped_column(Float)
    details: Mapped[dict | None] = mapped_column(JSON)  # the parts of the score: name, father, birth
    state: Mapped[str] = mapped_column(String(10), default="open")
    found_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
