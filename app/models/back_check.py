"""Back-checks: a sample of each enumerator's approved households re-visited by another enumerator of the
area, who answers a few stable questions blind; the answers are compared with the submitted revision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow


class BackCheck(db.Model):
    """One drawn household: who surveyed it, who re-visits it, and what the re-visit found."""

    __tablename__ = "back_checks"
    __table_args__ = (
        # The assigned enumerator's open back-checks; the report's done ones per original enumerator.
        Index("ix_back_checks_assigned_state", "assigned_enumerator_id", "state"),
        Index("ix_back_checks_original_state", "original_enumerator_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A household is drawn once: a second draw skips it.
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), unique=True)
    original_enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None while no other enumerator of the area was there to take it (shown to the supervisor).
    assigned_enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)  # the household's tehsil
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    seed: Mapped[int] = mapped_column(Integer)  # the draw's seed: the same seed draws the same households
    state: Mapped[str] = mapped_column(String(10), default="assigned")  # assigned, done
    answers: Mapped[dict | None] = mapped_column(JSON)  # the re-visit's answers, by question key
    revision_number: Mapped[int | None] = mapped_column(Integer)  # the submitted revision compared with
    compared: Mapped[int] = mapped_column(Integer, default=0)  # questions compared
    disagreements: Mapped[int] = mapped_column(Integer, default=0)  # of them, answered differently
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    household = relationship("Household")
    area = relationship("Area")
    results: Mapped[list[BackCheckAnswer]] = relationship(cascade="all, delete-orphan",
                                                          order_by="BackCheckAnswer.id")


class BackCheckAnswer(db.Model):
    """Per question of a done back-check: whether the re-visit agreed with the submitted answer. The report
    counts these per question and per enumerator in SQL."""

    __tablename__ = "back_check_answers"
    __table_args__ = (Index("ix_back_check_answers_question", "question_key", "agrees"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    back_check_id: Mapped[int] = mapped_column(ForeignKey("back_checks.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40))
    agrees: Mapped[bool] = mapped_column(Boolean)



class EnumeratorFigures(db.Model):
    """Each enumerator's work as of the last refresh (services.back_checks.refresh_enumerator_figures, run by
    the daily draw job and by `flask backcheck figures`): the quality page reads these few rows instead of
    aggregating a district's households and their timelines on every request (350,000 households in Lahore
    at 1 million)."""

    __tablename__ = "enumerator_figures"

    enumerator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               autoincrement=False)
    households: Mapped[int] = mapped_column(Integer, default=0)  # their households that reached a supervisor
    flagged: Mapped[int] = mapped_column(Integer, default=0)  # of them, with a cross-check flag
    submissions: Mapped[int] = mapped_column(Integer, default=0)  # moves to submitted (resubmits count)
    active_days: Mapped[int] = mapped_column(Integer, default=0)  # days (UTC) with a submission
    returns: Mapped[int] = mapped_column(Integer, default=0)  # moves to returned
    median_minutes: Mapped[float | None] = mapped_column(Float)  # start of the questionnaire to first submit
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

# The draw reads the moves to verified of the last days: one index range (declared here, beside its reader,
# so the household models stay as they are).
from .household import HouseholdStatusChange  # noqa: E402

Index("ix_household_status_changes_to_status_at", HouseholdStatusChange.to_status, HouseholdStatusChange.at,
      HouseholdStatusChange.household_id)
