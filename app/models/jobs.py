"""Background jobs as rows: what was asked, how far it got, how it ended, whatever engine ran it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class BackgroundJob(db.Model):
    """One job: its kind and parameters, its state and progress, and where a resumed run starts again.
    The row is the truth the web and the command line read; Redis only carries the id to a worker."""

    __tablename__ = "background_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(200))
    # Where a resumed run continues (e.g. the last item done); written with the batch it closes.
    checkpoint: Mapped[dict | int | str | None] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    rq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # A fencing token: each run takes the job over with a new one, and a batch commits only under its own.
    run_token: Mapped[str | None] = mapped_column(String(32))
    run_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def is_active(self) -> bool:
        return self.state in ("queued", "running")
