"""Announcements on the public home page: written by an administrator in Urdu and English, shown between
their start and end dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.schedules import date_problem
from ..models import Announcement, User
from . import audit
from .context import ServiceContext

MAX_SHOWN = 5


class AnnouncementError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class AnnouncementInput:
    title_ur: str
    title_en: str
    body_ur: str
    body_en: str
    starts_on: date
    ends_on: date


def create_announcement(session: Session, ctx: ServiceContext, actor: User, data: AnnouncementInput) -> Announcement:
    problem = date_problem(data.starts_on, data.ends_on, ctx.now().date())
    if problem:
        raise AnnouncementError(problem)
    announcement = Announcement(title_ur=data.title_ur.strip(), title_en=data.title_en.strip(),
                                body_ur=data.body_ur.strip(), body_en=data.body_en.strip(), starts_on=data.starts_on,
                                ends_on=data.ends_on, created_by=actor.id, created_at=ctx.now())
    session.add(announcement)
    session.flush()
    audit.record(session, ctx, "announcement.create", actor_id=actor.id, outcome=str(announcement.id),
                 detail={"after": {"title_en": announcement.title_en, "starts_on": data.starts_on.isoformat(),
                                   "ends_on": data.ends_on.isoformat()}})
    return announcement


def end_announcement(session: Session, ctx: ServiceContext, actor: User, announcement: Announcement) -> None:
    """Take an announcement off the home page from today."""
    before = announcement.ends_on.isoformat()
    yesterday = date.fromordinal(ctx.now().date().toordinal() - 1)
    announcement.ends_on = min(announcement.ends_on, yesterday)
    if announcement.starts_on > announcement.ends_on:
        announcement.starts_on = announcement.ends_on
    audit.record(session, ctx, "announcement.end", actor_id=actor.id, outcome=str(announcement.id),
                 detail={"before": {"ends_on": before}, "after": {"ends_on": announcement.ends_on.isoformat()}})


def current_announcements(session: Session, today: date) -> list[dict]:
    """The announcements shown today, as plain values (safe to keep in a cache): one small query on the
    (ends_on, starts_on) index."""
    rows = session.scalars(
        select(Announcement).where(Announcement.ends_on >= today, Announcement.starts_on <= today)
        .order_by(Announcement.starts_on.desc(), Announcement.id.desc()).limit(MAX_SHOWN))
    return [{"id": a.id, "title": {"ur": a.title_ur, "en": a.title_en}, "body": {"ur": a.body_ur, "en": a.body_en},
             "ends_on": a.ends_on} for a in rows]


def recent_announcements(session: Session, *, limit: int = 20) -> list[Announcement]:
    return list(session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit)))
