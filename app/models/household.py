"""Household records and the history of their states."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, Float, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, event, select, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.catalogue import CATALOGUE, HOUSEHOLDS, MEMBERS, Catalogue, Question, QuestionType
from ..domain.duplicates import birth_year as year_of_birth
from ..domain.household_status import HouseholdStatus
from ..domain.names import name_blocks
from ..domain.names import name_key as phonetic_name_key
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
        # The supervisor's review queue: a district's (or a tehsil's) submitted households, oldest submit first.
        Index("ix_households_district_review", "district_id", "status", "submitted_at", "id"),
        Index("ix_households_area_review", "area_id", "status", "submitted_at", "id"),
        Index("ix_households_enumerator_review", "enumerator_id", "status", "submitted_at", "id"),
        Index("ix_households_flagged_review", "district_id", "status", "submitted_at", "id",
              postgresql_where=text("flag_count > 0"), sqlite_where=text("flag_count > 0")),
        # The disaster ranking of a tehsil (services.disaster): every column the vulnerability index and the
        # criteria read, so PostgreSQL ranks a tehsil from the index alone (an index-only scan).
        Index("ix_households_area_vulnerability", "area_id", "score", "facts_disabled_count", "facts_elderly_count",
              "facts_under5_count", "facts_head_sex", "facts_head_marital_status", "status", "id"),
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
    # The key a bulk import (a column of the file) or the demo seed (demo-0000001) gave it; a re-run skips it.
    import_key: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    # Optimistic locking: every save names the version it was made from.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    # Who is working on it: the enumerator who started it (None when the citizen filled it).
    enumerator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # The answers of the consent, housing, assets and income sections are columns made from the question
    # catalogue (see add_answer_columns below); the tehsil chosen at consent is `area_id`.
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # when the household agreed
    # Which sections were saved, and a supervisor's reasons per section when returned.
    sections_saved: Mapped[dict | None] = mapped_column(JSON)
    # Set when the helpdesk asks for a new visit; the area's enumerators see it on their list.
    resurvey_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resurvey_reason: Mapped[str | None] = mapped_column(String(300))
    # resurvey_requested_at is set, kept by the write path: the list's first sort key, as a plain column
    # (an expression index would not survive SQLite's table rebuilds in later migrations).
    visit_requested: Mapped[bool] = mapped_column(default=False, server_default="0")
    return_reasons: Mapped[dict | None] = mapped_column(JSON)
    # When the latest submit came (questionnaire.submit): the review queue's order, oldest first.
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # How many cross-check flags the latest check left (services.cross_checks keeps it with the flags).
    flag_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The current score (0-100, lower poorer) and band under the model that scored it last; the history of
    # scores, one per model version, is kept apart (services.scoring). Programme rules read these columns.
    score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    score_band: Mapped[str | None] = mapped_column(String(20))
    score_model_id: Mapped[int | None] = mapped_column(Integer)
    scored_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Counts from the member roster (domain.household_facts), kept by services.household_facts at submit and
    # by its set-based refresh: what programme rules and disaster ranking read for millions of households.
    facts_on: Mapped[date | None] = mapped_column(Date)  # the day the ages were counted
    facts_member_count: Mapped[int | None] = mapped_column(Integer)
    facts_under5_count: Mapped[int | None] = mapped_column(Integer)
    facts_child_count: Mapped[int | None] = mapped_column(Integer)
    facts_elderly_count: Mapped[int | None] = mapped_column(Integer)
    facts_working_age_count: Mapped[int | None] = mapped_column(Integer)
    facts_disabled_count: Mapped[int | None] = mapped_column(Integer)
    facts_school_age_count: Mapped[int | None] = mapped_column(Integer)
    facts_enrolled_count: Mapped[int | None] = mapped_column(Integer)
    facts_head_sex: Mapped[str | None] = mapped_column(String(20))
    facts_head_age: Mapped[int | None] = mapped_column(Integer)
    facts_head_marital_status: Mapped[str | None] = mapped_column(String(20))
    facts_head_education: Mapped[str | None] = mapped_column(String(20))

    area = relationship("Area", foreign_keys=[area_id])
    members: Mapped[list[HouseholdMember]] = relationship(
        order_by="HouseholdMember.position, HouseholdMember.id", cascade="all, delete-orphan"
    )
    history: Mapped[list[HouseholdStatusChange]] = relationship(
        back_populates="household", order_by="(HouseholdStatusChange.at, HouseholdStatusChange.id)",
        cascade="all, delete-orphan"
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
    # The answers (name, relation, sex, date of birth, ...) are columns made from the question catalogue.
    # Kept by every write (the mapper events below, the bulk loader) for the duplicate search: the name's
    # phonetic key (domain.names.name_key), the year of birth (from the date, or the age stated on the day it
    # was written) and the household's district.
    name_key: Mapped[str | None] = mapped_column(String(200))
    name_block: Mapped[str | None] = mapped_column(String(40))  # domain.names.name_blocks
    name_block_joined: Mapped[str | None] = mapped_column(String(60))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    district_id: Mapped[int | None] = mapped_column(Integer)


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


def answer_column(question: Question):
    """The column that stores a question's answer, from its type and the catalogue's column details."""
    column, kind = question.column, question.type
    if kind == QuestionType.TEXT:
        type_ = String(question.max_length) if question.max_length else Text()
    elif kind == QuestionType.CHOICE:
        type_ = String(column.width or 20)
    elif kind == QuestionType.MULTI_CHOICE:
        type_ = JSON()  # the list of chosen keys
    elif kind == QuestionType.YES_NO:
        type_ = Boolean()
    elif kind == QuestionType.NUMBER and column.places is not None:
        type_ = Numeric(column.digits, column.places, asdecimal=False)
    elif kind == QuestionType.NUMBER:
        type_ = Float() if question.decimal else Integer()
    elif kind == QuestionType.DATE:
        type_ = Date()
    elif kind == QuestionType.CNIC:
        type_ = String(15)
    else:
        raise ValueError(f"{question.key}: a {kind} question has no column of its own")
    return mapped_column(type_, nullable=not column.not_null, default=column.default, index=column.index or None)


def add_answer_columns(model, table: str, catalogue: Catalogue = CATALOGUE) -> None:
    """One column per question of the catalogue stored in this model's table, unless the model declares it
    itself (the area a household lives in is a foreign key)."""
    for question in catalogue:
        if question.table == table and question.column_name not in model.__table__.c:
            setattr(model, question.column_name, answer_column(question))


add_answer_columns(Household, HOUSEHOLDS)
add_answer_columns(HouseholdMember, MEMBERS)

# The fuzzy duplicate search (services.duplicates) reads only these indexes (they carry what it compares):
# a district's members of one sex whose whole name key is one of a few variants, within a few birth years
# (name_search); and those filed under one of the name's blocks (a word's phonetic key, or the words run
# together) born within days of a date (block_first, block_joined). On PostgreSQL a trigram index on the key
# serves searches across districts (pg_trgm, migration 0013). Declared here, after the answer columns exist.
_members = HouseholdMember.__table__.c
# What the comparison reads of a member rides in the indexes, so that a search never reads the table.
_COMPARED = ["household_id", "id", "name", "father_or_husband_name", "age_years"]
Index("ix_household_members_name_search", _members.district_id, _members.name_key, _members.sex,
      _members.birth_year, postgresql_include=[*_COMPARED, "dob"])
Index("ix_household_members_block_first", _members.district_id, _members.name_block, _members.sex,
      _members.dob, postgresql_include=[*_COMPARED, "name_key", "birth_year"])
Index("ix_household_members_block_joined", _members.district_id, _members.name_block_joined, _members.sex,
      _members.dob, postgresql_include=[*_COMPARED, "name_key", "birth_year"])
Index("ix_household_members_name_key_trgm", _members.name_key, postgresql_using="gin",
      postgresql_ops={"name_key": "gin_trgm_ops"})


def _keep_match_columns(mapper, connection, member: HouseholdMember) -> None:
    """name_key, its blocks, birth_year and district_id follow the answers on every ORM write of a member."""
    member.name_key = phonetic_name_key(member.name)[:200] or None
    member.name_block, member.name_block_joined = name_blocks(member.name_key)
    member.birth_year = year_of_birth(member.dob, member.age_years, utcnow().date())
    if member.district_id is None and member.household_id is not None:
        member.district_id = connection.scalar(
            select(Household.district_id).where(Household.id == member.household_id))


event.listen(HouseholdMember, "before_insert", _keep_match_columns)
event.listen(HouseholdMember, "before_update", _keep_match_columns)
