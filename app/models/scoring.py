"""Scoring models as data (versions with an effective date), every score a household was ever given, and the
score distribution the dashboards read (see services.scoring)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class ScoringModel(db.Model):
    """One version of the proxy-means model: its indicators and bands as JSON (domain.scoring reads and checks
    them). Versions are never edited once stored: a change is a new version. One is active at a time."""

    __tablename__ = "scoring_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    effective_from: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # made up, not the official formula
    indicators: Mapped[list] = mapped_column(JSON)
    bands: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    @property
    def definition(self) -> dict:
        return {"indicators": self.indicators, "bands": self.bands}


class HouseholdScore(db.Model):
    """A score a household was given, kept when a later one replaces it on the household row. `points` are each
    indicator's points in hundredths, in the model's order (with the `values` they came from when scored one
    by one); a set-based re-score leaves both empty: the model and the household's verified answers rebuild
    the explanation."""

    __tablename__ = "household_scores"
    __table_args__ = (Index("ix_household_scores_household_scored", "household_id", "scored_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    model_id: Mapped[int] = mapped_column(ForeignKey("scoring_models.id"), index=True)
    score: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    band: Mapped[str] = mapped_column(String(20))
    points: Mapped[list | None] = mapped_column(JSON)
    values: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(20))  # verified, rescore, ...
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ScoreCount(db.Model):
    """Households per district, scoring model and band of their current score (kept by services.scoring)."""

    __tablename__ = "score_counts"

    district_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    model_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    band: Mapped[str] = mapped_column(String(20), primary_key=True)
    households: Mapped[int] = mapped_column(Integer, default=0)
