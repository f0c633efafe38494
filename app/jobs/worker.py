"""`flask worker`: RQ's forking worker, set so that a job whose worker died is found and retried within
about JOB_HEARTBEAT_SECONDS + JOB_LOST_AFTER_SECONDS (+ one maintenance round), never run twice at once."""
from __future__ import annotations

import ctypes
import logging
import os
import signal

from rq import Worker
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from .runner import JobRunner, Pending

log = logging.getLogger("pser.jobs")

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A work horse must not outlive its worker: unwatched, it would send no heartbeats while RQ retries
    its job elsewhere. (RQ puts the horse in a process group of its own, so a group kill misses it.)"""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the fencing token still keeps the work single
        return


class PortalWorker(Worker):
    """RQ's Worker with a configurable grace after a missed heartbeat (RQ fixes it at 60 s) and a
    dequeue wait no longer than the maintenance interval, so that lost jobs are found on time."""

    heartbeat_grace = 60

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = max(1, min(job.timeout - working_time, interval))
        return int(interval) + self.heartbeat_grace

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(self.worker_ttl - 15, int(self.maintenance_interval)))

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        from .runner import record_lost_run

        record_lost_run(job, f"The process running this job ended abruptly (status {ret_val})")

    def main_work_horse(self, job, queue):
        parent = os.getppid()
        _die_with_parent()
        if os.getppid() != parent:  # the worker died before the line above took effect
            os._exit(1)
        from ..extensions import db

        db.engine.dispose(close=False)  # connections inherited through fork belong to the worker
        return super().main_work_horse(job, queue)


def resend_unqueued(runner: JobRunner) -> int:
    """Jobs recorded but missing from Redis (it was down at the commit, or was emptied) are sent again."""
    from rq.job import Job

    from ..extensions import db

    resent = 0
    with Session(db.engine) as session:
        rows = session.execute(select(BackgroundJob.id, BackgroundJob.kind, BackgroundJob.rq_id,
                                      BackgroundJob.run_after, BackgroundJob.params)
                               .where(BackgroundJob.state.in_(("queued", "running")))).all()
    connection = runner.connection()
    for job_id, kind, rq_id, run_after, params in rows:
        if rq_id and not Job.exists(rq_id, connection=connection):
            runner.push(Pending(job_id, kind, rq_id, run_after, params or {}))
            resent += 1
    if resent:
        log.warning("re-sent %s job(s) that Redis did not have", resent)
    return resent


def run_worker(runner: JobRunner, *, burst: bool = False, name: str | None = None) -> bool:
    config = runner.app.config
    resend_unqueued(runner)
    worker = PortalWorker(
        [runner.queue()],
        connection=runner.connection(),
        name=name,
        job_monitoring_interval=config["JOB_HEARTBEAT_SECONDS"],
        maintenance_interval=config["JOB_MAINTENANCE_SECONDS"],
    )
    worker.heartbeat_grace = config["JOB_LOST_AFTER_SECONDS"]
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
