"""Reading background jobs for the jobs page and the command line, and removing long-finished ones."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from ..models.base import utcnow


def recent_jobs(session: Session, limit: int = 30) -> list[BackgroundJob]:
    return list(session.scalars(select(BackgroundJob).order_by(BackgroundJob.id.desc()).limit(limit)))


def remove_finished_jobs(session: Session, *, older_than: timedelta) -> int:
    return session.execute(
        delete(BackgroundJob).where(BackgroundJob.state.in_(("done", "failed")),
                                    BackgroundJob.finished_at < utcnow() - older_than)
    ).rowcount
