"""Running a job: take it over, do the work in its own unit of work, record done or failed; and handing jobs
to RQ (with REDIS_URL) or running them inline (without) once the transaction that asked for them commits."""
from __future__ import annotations

import logging
import traceback
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from ..models.base import utcnow
from .registry import JobKind, kind_named

log = logging.getLogger("pser.jobs")

PENDING = "pser_jobs_pending"  # session.info key: jobs to hand over when this session's transaction commits
KEEP = object()  # save(): leave the checkpoint as it is
_RUNNERS: weakref.WeakKeyDictionary[Engine, JobRunner] = weakref.WeakKeyDictionary()


class JobTakenOver(Exception):
    """Another run took this job over (this one was presumed lost): its unsaved batch is rolled back."""


class JobRun:
    """One run of a job, handed to the kind's function: its settings and the services' context (settings,
    clock, notifier), where it left off, and `save`."""

    def __init__(self, job_id: int, session: Session, token: str, checkpoint: Any, settings, attempt: int,
                 context=None):
        self.job_id, self.session, self.token = job_id, session, token
        self.checkpoint, self.settings, self.attempt, self.context = checkpoint, settings, attempt, context

    def save(self, checkpoint: Any = KEEP, *, done: int | None = None, total: int | None = None,
             message: str | None = None) -> None:
        """Close a batch: the session's work, the checkpoint and the progress commit together, or not at all
        (JobTakenOver) when another run has taken the job over meanwhile."""
        values: dict[str, Any] = {"updated_at": utcnow()}
        if checkpoint is not KEEP:
            values["checkpoint"] = checkpoint
        if done is not None:
            values["progress_done"] = done
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message[:200]
        self._fenced_update(values)
        self.session.commit()
        if checkpoint is not KEEP:
            self.checkpoint = checkpoint

    def _fenced_update(self, values: dict) -> None:
        # The row lock this UPDATE takes orders it against a takeover: whichever commits first wins.
        result = self.session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == self.job_id, BackgroundJob.run_token == self.token,
                   BackgroundJob.state == "running")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            self.session.rollback()
            raise JobTakenOver(f"job {self.job_id} was taken over by another run")


@dataclass(frozen=True)
class Pending:
    job_id: int
    kind: str
    rq_id: str
    run_after: datetime | None
    params: dict


class JobRunner:
    """The portal's job runner: RQ on Redis when REDIS_URL is set, else inline in the committing process."""

    def __init__(self, app: Flask):
        self.app = app
        self._redis = None

    # --- configuration -------------------------------------------------------------------------------
    @property
    def redis_url(self) -> str:
        return self.app.config.get("REDIS_URL") or ""

    @property
    def uses_rq(self) -> bool:
        return bool(self.redis_url)

    def connection(self):
        from redis import Redis

        if self._redis is None or self._redis_url != self.redis_url:
            # Short timeouts: a web request that enqueues must not hang on a Redis that is down.
            self._redis = Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=5)
            self._redis_url = self.redis_url
        return self._redis

    def queue(self):
        from rq import Queue

        return Queue(self.app.config["JOBS_QUEUE"], connection=self.connection())

    # --- handing over --------------------------------------------------------------------------------
    def dispatch(self, pending: list[Pending]) -> None:
        for item in pending:
            try:
                if self.uses_rq:
                    self.push(item)
                else:
                    self.run(item.job_id)
            except Exception:  # a job's trouble must never undo or break the commit that asked for it
                log.exception("job %s (%s) could not be handed over; `flask worker` re-sends queued jobs",
                              item.job_id, item.kind)

    def push(self, item: Pending) -> None:
        from rq import Callback, Retry

        kind = kind_named(item.kind)
        intervals = [int(s) for s in str(self.app.config["JOB_RETRY_INTERVALS"]).split(",") if s.strip()]
        options = dict(
            job_id=item.rq_id,
            job_timeout=kind.timeout,
            retry=Retry(max=kind.retries, interval=intervals or 0) if kind.retries else None,
            on_failure=Callback(on_rq_failure),
            failure_ttl=7 * 24 * 3600,
            result_ttl=3600,
            description=f"{item.kind} #{item.job_id}",
        )
        if item.run_after is not None and item.run_after > utcnow():
            self.queue().enqueue_at(item.run_after, perform, item.job_id, **options)
        else:
            self.queue().enqueue(perform, item.job_id, **options)

    # --- running -------------------------------------------------------------------------------------
    def run(self, job_id: int, *, will_retry: bool = False) -> str:
        """Run job `job_id` once: returns its state afterwards. A job already done or failed is not run
        again; a job left `running` by a lost run is taken over and continues from its checkpoint."""
        with self.app.app_context():
            from ..extensions import db

            with Session(db.engine) as session:
                return self._run(session, job_id, will_retry)

    def _run(self, session: Session, job_id: int, will_retry: bool) -> str:
        token = uuid.uuid4().hex
        now = utcnow()
        taken = session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.state.in_(("queued", "running")))
            .values(state="running", run_token=token, attempts=BackgroundJob.attempts + 1, updated_at=now,
                    started_at=func.coalesce(BackgroundJob.started_at, now))
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            session.rollback()
            log.info("job %s: nothing to do (finished, or no such job)", job_id)
            return "skipped"
        job = session.get(BackgroundJob, job_id)
        kind_name, params, checkpoint, attempt = job.kind, dict(job.params or {}), job.checkpoint, job.attempts
        session.commit()
        log.info("job %s (%s): attempt %s%s", job_id, kind_name, attempt, " from checkpoint" if checkpoint else "")
        from ..unit_of_work import service_context

        run = JobRun(job_id, session, token, checkpoint, self.app.config, attempt, service_context(self.app))
        try:
            kind: JobKind = kind_named(kind_name)
            result = kind.func(session, params, run)
            # The work of a plain kind (or a resumable kind's last batch) commits with `done`, or not at all.
            run._fenced_update({
                "state": "done", "finished_at": utcnow(), "updated_at": utcnow(), "result": result, "error": None,
                "progress_done": func.coalesce(BackgroundJob.progress_total, BackgroundJob.progress_done)
                if kind.resumable else 1,
                "progress_total": BackgroundJob.progress_total if kind.resumable else 1,
            })
            session.commit()
            log.info("job %s (%s): done %s", job_id, kind_name, result or "")
            return "done"
        except JobTakenOver:
            log.warning("job %s: another run took it over; this one stops", job_id)
            return "taken over"
        except Exception as error:
            session.rollback()
            state = "queued" if will_retry else "failed"
            text = "".join(traceback.format_exception_only(error)).strip()
            log.exception("job %s (%s) failed%s", job_id, kind_name, "; it will be retried" if will_retry else "")
            session.execute(
                update(BackgroundJob)
                .where(BackgroundJob.id == job_id, BackgroundJob.run_token == token)
                .values(state=state, error=text[-2000:], updated_at=utcnow(),
                        finished_at=utcnow() if state == "failed" else None)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if self.uses_rq:
                raise  # RQ records the failure and applies the kind's Retry
            return state


def runner_for(app: Flask) -> JobRunner:
    return app.extensions["pser_jobs"]


def perform(job_id: int) -> str:
    """RQ's entry point in the worker: run the job whose row is `job_id`."""
    from rq import get_current_job

    rq_job = get_current_job()
    return runner_for(current_app._get_current_object()).run(
        job_id, will_retry=bool(rq_job and rq_job.retries_left))


def on_rq_failure(rq_job, connection, exc_type, exc_value, tb) -> None:
    """RQ calls this when a run fails, also when it finds a run abandoned by a lost worker (then no code of
    ours saw the end): the row says what happened, and `failed` once no retry is left."""
    record_lost_run(rq_job, "The worker running this job was lost")


def record_lost_run(rq_job, reason: str) -> None:
    """A run that ended outside perform() (its worker or work horse died): the job waits for its retry, or
    has failed when none is left. A run that perform() saw end has left `running` already: no change."""
    job_id = rq_job.args[0] if rq_job.args else None
    retrying = bool(rq_job.retries_left)
    runner = runner_for(current_app._get_current_object())
    with runner.app.app_context():
        from ..extensions import db

        with Session(db.engine) as session:
            session.execute(
                update(BackgroundJob)
                .where(BackgroundJob.id == job_id, BackgroundJob.state == "running")
                .values(state="queued" if retrying else "failed", updated_at=utcnow(),
                        error=reason + ("; it will be retried." if retrying else "."),
                        finished_at=None if retrying else utcnow())
                .execution_options(synchronize_session=False)
            )
            session.commit()


# --- enqueueing, after the commit -------------------------------------------------------------------------
def bind_runner(engine: Engine, runner: JobRunner) -> None:
    _RUNNERS[engine] = runner


def enqueue(session: Session, kind: str, *, run_after: datetime | None = None, **params) -> BackgroundJob | None:
    """Record a job of `kind` in the caller's transaction; it starts once that transaction commits (never
    before: the worker must find the row). Without Redis it runs inline, right after the commit, in its own
    session. `run_after` delays it (RQ's scheduler); inline there is no clock, so a delayed job is not
    recorded at all and None is returned: its work waits for the next run of its kind."""
    kind_named(kind)  # an unknown kind fails here, in the caller, not later in a worker
    runner = _RUNNERS.get(session.get_bind(BackgroundJob))
    if runner is None:
        raise RuntimeError("no job runner for this database: create the app (init_jobs) first")
    if run_after is not None and not runner.uses_rq:
        return None
    job = BackgroundJob(kind=kind, params=params, state="queued", rq_id=uuid.uuid4().hex, run_after=run_after,
                        attempts=0, progress_done=0, created_at=utcnow())
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING, []).append((runner, Pending(job.id, kind, job.rq_id, run_after, params)))
    return job


def enqueue_once(session: Session, kind: str, **params) -> BackgroundJob | None:
    """`enqueue`, unless this transaction already asked for the same kind with the same parameters."""
    for _runner, item in session.info.get(PENDING, ()):
        if item.kind == kind and item.params == params:
            return session.get(BackgroundJob, item.job_id)
    return enqueue(session, kind, **params)


@event.listens_for(Session, "after_commit")
def _hand_over_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    by_runner: dict[int, tuple[JobRunner, list[Pending]]] = {}
    for runner, item in pending:
        by_runner.setdefault(id(runner), (runner, []))[1].append(item)
    for runner, items in by_runner.values():
        runner.dispatch(items)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction) -> None:
    # A rolled-back (or closed) transaction's jobs were never recorded: forget them. A commit has already
    # taken its jobs in after_commit, which runs first.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(PENDING, None)
