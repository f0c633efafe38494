"""Household records and the history of their states."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.household_status import HouseholdStatus
from ..extensions import db
from .base import UtcDateTime, utcnow


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The head's CNIC as told at sign-up or at the door; not unique: a duplicate is a flag, never a refusal.
    head_cnic: Mapped[str] = mapped_column(String(15), index=True)
    status: Mapped[str] = mapped_column(String(12), default=HouseholdStatus.REGISTERED, index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    self_declared: Mapped[bool] = mapped_column(default=False)
    # Optimistic locking: every save names the version it was made from.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    area = relationship("Area")
    history: Mapped[list[HouseholdStatusChange]] = relationship(
        back_populates="household", order_by="HouseholdStatusChange.at", cascade="all, delete-orphan"
    )


class HouseholdStatusChange(db.Model):
    """Who moved a household from one state to another, when and why."""

    __tablename__ = "household_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    household: Mapped[Household] = relationship(back_populates="history")
