"""Disaster events (a flood in some districts and tehsils), the relief delivered to each household once per
event, and the served counts per event and area that the relief write path keeps in the same transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class DisasterEvent(db.Model):
    __tablename__ = "disaster_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ur: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # domain.disaster.EVENT_KINDS
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    # The optional criteria of the ranking (domain.disaster.ReliefCriteria.as_dict).
    criteria: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    areas: Mapped[list[DisasterEventArea]] = relationship(cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_ur if locale == "ur" else self.name_en


class DisasterEventArea(db.Model):
    """An area the event struck, as the planner chose it: a district (all its tehsils) or a tehsil."""

    __tablename__ = "disaster_event_areas"

    event_id: Mapped[int] = mapped_column(ForeignKey("disaster_events.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)


class ReliefDelivery(db.Model):
    """What one household received in one event: at most one row per (event, household)."""

    __tablename__ = "relief_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "household_id", name="uq_relief_deliveries_event_household"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("disaster_events.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    # The household's area when it was served: the served count's key (summary below).
    area_key: Mapped[int] = mapped_column(Integer)
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    delivered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    items: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class ReliefCount(db.Model):
    """Households served per event and (household's own) area, kept by services.disaster.record_relief."""

    __tablename__ = "relief_counts"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    area_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    served: Mapped[int] = mapped_column(Integer, default=0)
