"""Survey schedules per district or tehsil, and announcements on the public home page."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class SurveySchedule(db.Model):
    """When survey teams visit an area, with what citizens are told (in Urdu and English). Creating one moves
    the area's online registrations to `scheduled` (services.schedules)."""

    __tablename__ = "survey_schedules"
    __table_args__ = (Index("ix_survey_schedules_area_dates", "area_id", "ends_on", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    message_ur: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The households moved to `scheduled` and sent an SMS (kept by the notifying job).
    households_scheduled: Mapped[int] = mapped_column(default=0, server_default="0")

    area = relationship("Area")

    def message(self, locale: str) -> str:
        return self.message_ur if locale == "ur" else self.message_en


class Announcement(db.Model):
    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_dates", "ends_on", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ur: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    body_ur: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    def title(self, locale: str) -> str:
        return self.title_ur if locale == "ur" else self.title_en

    def body(self, locale: str) -> str:
        return self.body_ur if locale == "ur" else self.body_en
