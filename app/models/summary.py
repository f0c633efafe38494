"""Counts kept current by the write path in the same transaction (see services.summaries), so that
dashboards and home pages read a few rows instead of scanning the registry."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Summary keys cannot be NULL (a primary key, an upsert target): 0 stands for "no area" / "nobody".
NONE_KEY = 0


class HouseholdCount(db.Model):
    """Households per (own) area and status."""

    __tablename__ = "household_counts"

    area_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    households: Mapped[int] = mapped_column(Integer, default=0)


class UserCount(db.Model):
    __tablename__ = "user_counts"

    role: Mapped[str] = mapped_column(String(12), primary_key=True)
    users: Mapped[int] = mapped_column(Integer, default=0)


class ComplaintCount(db.Model):
    """Complaints per district, state, category and assigned officer."""

    __tablename__ = "complaint_counts"

    district_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    assignee_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complaints: Mapped[int] = mapped_column(Integer, default=0)


class OpenComplaintDeadline(db.Model):
    """Open complaints per district and day of their deadline (UTC): the overdue count adds up the days
    before today and counts only today's part on the open-complaints index."""

    __tablename__ = "open_complaint_deadlines"

    district_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deadline_day: Mapped[date] = mapped_column(Date, primary_key=True)
    complaints: Mapped[int] = mapped_column(Integer, default=0)


class ComplaintResolveTime(db.Model):
    """How long resolved complaints took, per district, in whole hours: the median is read from it."""

    __tablename__ = "complaint_resolve_times"

    district_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complaints: Mapped[int] = mapped_column(Integer, default=0)
    total_hours: Mapped[float] = mapped_column(Float, default=0.0)  # the exact mean within the hour
