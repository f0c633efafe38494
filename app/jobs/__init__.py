"""Background jobs on RQ: `enqueue(session, kind, **params)` records a job in the caller's transaction and,
once it commits, hands it to an RQ worker (REDIS_URL set) or runs it inline in its own session (no Redis,
the zero-setup default). Progress is kept in the `background_jobs` table for /admin/jobs and `flask jobs`."""
from __future__ import annotations

from flask import Flask

from .registry import KINDS, JobKind, job_kind, kind_named
from .runner import JobRun, JobRunner, JobTakenOver, enqueue, enqueue_once, runner_for

__all__ = ["KINDS", "JobKind", "JobRun", "JobRunner", "JobTakenOver", "enqueue", "enqueue_once", "init_jobs",
           "job_kind", "kind_named", "runner_for"]


def init_jobs(app: Flask) -> None:
    from ..extensions import db
    from . import kinds  # noqa: F401  (registers the portal's kinds)
    from .cli import init_jobs_cli
    from .runner import bind_runner

    runner = JobRunner(app)
    app.extensions["pser_jobs"] = runner
    with app.app_context():
        bind_runner(db.engine, runner)
    init_jobs_cli(app)
