"""Household records and the history of their states."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.household_status import HouseholdStatus
from ..extensions import db
from .base import UtcDateTime, utcnow


class Household(db.Model):
    __tablename__ = "households"
    # Each list is one index range: a district's (or a tehsil's) households, optionally of one status, in
    # the list's order (visits asked for first, then the latest changed). The CNIC search is a range on
    # ix_households_head_cnic.
    __table_args__ = (
        Index("ix_households_district_list", "district_id", "visit_requested", "updated_at", "id"),
        Index("ix_households_district_status_list", "district_id", "status", "visit_requested", "updated_at", "id"),
        Index("ix_households_area_list", "area_id", "visit_requested", "updated_at", "id"),
        Index("ix_households_area_status_list", "area_id", "status", "visit_requested", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The head's CNIC as told at sign-up or at the door; not unique: a duplicate is a flag, never a refusal.
    head_cnic: Mapped[str] = mapped_column(String(15), index=True)
    # active_history: the summary counts need the value a change replaces (services.summaries).
    status: Mapped[str] = mapped_column(String(12), default=HouseholdStatus.REGISTERED, index=True,
                                        active_history=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), active_history=True)
    # The district of `area_id`, set by the write path: a district's list is one index range.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    self_declared: Mapped[bool] = mapped_column(default=False)
    # Optimistic locking: every save names the version it was made from.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    # Who is working on it: the enumerator who started it (None when the citizen filled it).
    enumerator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # Section 1: consent and location.
    consent_given: Mapped[bool | None] = mapped_column()
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    union_council: Mapped[str | None] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    # Section 3: housing.
    tenure: Mapped[str | None] = mapped_column(String(20))
    rooms: Mapped[int | None] = mapped_column(Integer)
    roof: Mapped[str | None] = mapped_column(String(20))
    walls: Mapped[str | None] = mapped_column(String(20))
    toilet: Mapped[str | None] = mapped_column(String(20))
    water: Mapped[str | None] = mapped_column(String(20))
    electricity: Mapped[str | None] = mapped_column(String(20))
    cooking_fuel: Mapped[str | None] = mapped_column(String(20))
    # Section 4: assets (the list of household items as JSON: names from domain.questionnaire.ASSETS).
    assets: Mapped[list | None] = mapped_column(JSON)
    land_acres: Mapped[float | None] = mapped_column(Numeric(8, 2, asdecimal=False))
    cattle: Mapped[int | None] = mapped_column(Integer)
    buffalo: Mapped[int | None] = mapped_column(Integer)
    goats_sheep: Mapped[int | None] = mapped_column(Integer)
    # Section 5: income and support.
    main_income_source: Mapped[str | None] = mapped_column(String(20))
    monthly_income: Mapped[int | None] = mapped_column(Integer)
    has_bank_account: Mapped[bool | None] = mapped_column()
    bisp_beneficiary: Mapped[bool | None] = mapped_column()
    receives_remittances: Mapped[bool | None] = mapped_column()
    # Which sections were saved, and a supervisor's reasons per section when returned.
    sections_saved: Mapped[dict | None] = mapped_column(JSON)
    # Set when the helpdesk asks for a new visit; the area's enumerators see it on their list.
    resurvey_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resurvey_reason: Mapped[str | None] = mapped_column(String(300))
    # resurvey_requested_at is set, kept by the write path: the list's first sort key, as a plain column
    # (an expression index would not survive SQLite's table rebuilds in later migrations).
    visit_requested: Mapped[bool] = mapped_column(default=False, server_default="0")
    return_reasons: Mapped[dict | None] = mapped_column(JSON)

    area = relationship("Area", foreign_keys=[area_id])
    members: Mapped[list[HouseholdMember]] = relationship(
        order_by="HouseholdMember.position, HouseholdMember.id", cascade="all, delete-orphan"
    )
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


class HouseholdMember(db.Model):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(12))
    dob: Mapped[date | None] = mapped_column(Date)
    age_years: Mapped[int | None] = mapped_column(Integer)  # when the date of birth is not known
    cnic: Mapped[str | None] = mapped_column(String(15), index=True)  # CNIC or B-form
    marital_status: Mapped[str | None] = mapped_column(String(20))
    disability: Mapped[str] = mapped_column(String(20), default="none")
    chronic_illness: Mapped[bool] = mapped_column(default=False)
    can_read: Mapped[bool | None] = mapped_column()
    education: Mapped[str | None] = mapped_column(String(20))
    enrolled: Mapped[bool | None] = mapped_column()
    occupation: Mapped[str | None] = mapped_column(String(100))
    employment: Mapped[str | None] = mapped_column(String(20))
    monthly_income: Mapped[int | None] = mapped_column(Integer)


class HouseholdRevision(db.Model):
    """A frozen copy of the whole record at a submit or an update; earlier revisions are never changed."""

    __tablename__ = "household_revisions"
    __table_args__ = (UniqueConstraint("household_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
