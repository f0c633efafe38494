"""Welfare programmes as data: each programme, its versioned eligibility rules (domain.eligibility), the
households enrolled in it, and the eligible households per district under its active rule (a summary the
dashboard reads, refreshed set-based after an activation)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow
from .household import Household

RULE_STATES = ("draft", "active", "retired")


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order on pages
    name_en: Mapped[str] = mapped_column(String(120))
    name_ur: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_ur: Mapped[str] = mapped_column(Text, default="")
    # The columns its eligible list carries (services.programmes.EXPORT_COLUMNS): no more than it needs.
    export_columns: Mapped[list] = mapped_column(JSON, default=list)

    rules: Mapped[list[ProgrammeRule]] = relationship(back_populates="programme", order_by="ProgrammeRule.version")

    def name(self, locale: str) -> str:
        return self.name_ur if locale == "ur" else self.name_en

    def description(self, locale: str) -> str:
        return self.description_ur if locale == "ur" else self.description_en


class ProgrammeRule(db.Model):
    """One version of a programme's rule: a draft being edited, the active one, or a retired one (kept)."""

    __tablename__ = "programme_rules"
    __table_args__ = (UniqueConstraint("programme_id", "version"),
                      Index("ix_programme_rules_programme_state", "programme_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    rule: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    note: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    programme: Mapped[Programme] = relationship(back_populates="rules")


class ProgrammeEnrolment(db.Model):
    """A household receiving a programme since a day (what "receiving another programme" reads)."""

    __tablename__ = "programme_enrolments"
    __table_args__ = (UniqueConstraint("household_id", "programme_id"),
                      Index("ix_programme_enrolments_programme_household", "programme_id", "household_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    since: Mapped[date] = mapped_column(Date)


class ProgrammeCount(db.Model):
    """Households eligible for a programme under its active rule, per district (0: no district), as of
    `counted_at`; rebuilt set-based by services.programmes.refresh_counts."""

    __tablename__ = "programme_counts"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    district_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    households: Mapped[int] = mapped_column(Integer, default=0)
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


# Rules, simulations, counts and exports read verified households' score, band, district and facts; this
# partial covering index lets PostgreSQL answer them from the index alone (an index-only scan of ~100 MB
# instead of the 1.1 GB table at a million households), grouped by district and band in index order.
TARGETING_COLUMNS = ("score", "facts_member_count", "facts_under5_count", "facts_child_count", "facts_elderly_count",
                     "facts_disabled_count", "facts_school_age_count", "facts_enrolled_count", "facts_head_sex",
                     "facts_head_age", "facts_head_marital_status", "facts_head_education", "status", "id")
Index("ix_households_targeting", Household.district_id, Household.score_band,
      postgresql_include=list(TARGETING_COLUMNS), postgresql_where=Household.status == "verified",
      sqlite_where=Household.status == "verified")
