"""What the registry's checks found in a household: flags raised by the cross-checks (services.cross_checks)
for a supervisor to weigh. A flag never changes, merges or deletes a household on its own."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class HouseholdFlag(db.Model):
    """One finding of a cross-check on one household, as of its latest check (a re-check replaces the
    household's flags). `code` is stable (e.g. cnic_elsewhere); the message is kept in both languages as it
    was written when the flag was raised, with the members concerned."""

    __tablename__ = "household_flags"
    __table_args__ = (Index("ix_household_flags_code_household", "code", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))  # error, warning or info
    member_ids: Mapped[list | None] = mapped_column(JSON)  # the household's members concerned, if any
    # Whatever the message names (another household's id, a district, a count), for the views.
    details: Mapped[dict | None] = mapped_column(JSON)
    other_household_id: Mapped[int | None] = mapped_column(Integer)  # the household it collides with, if any
    message_en: Mapped[str] = mapped_column(Text)
    message_ur: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
