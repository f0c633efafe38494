"""With REDIS_URL, jobs go to RQ after the commit and a real `flask --app wsgi worker` runs them; a worker
killed in the middle of a job loses nothing: another worker finishes it, each item exactly once."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from collections import Counter

import pytest
from sqlalchemy import select

from app.jobs import enqueue
from app.models import AuditEntry, BackgroundJob
from tests.jobs.conftest import start_worker


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def job_row(db, job_id: int) -> BackgroundJob:
    db.expire_all()
    row = db.get(BackgroundJob, job_id)
    db.commit()  # end the read: PostgreSQL then shows the next poll what the worker committed since
    return row


def items_done(db, job_id: int) -> Counter:
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "job.demo")).all()
    db.commit()
    return Counter(e.outcome for e in entries if e.detail["job"] == job_id)


def test_a_job_reaches_redis_only_after_the_commit_and_a_worker_runs_it(app, db, redis_jobs, worker_env, tmp_path):
    with app.app_context():
        job = enqueue(db, "demo.count", items=12, batch=5)
        assert redis_jobs.queue().count == 0  # not before the row it needs is there for the worker
        db.commit()
    assert redis_jobs.queue().job_ids == [job.rq_id]
    assert job_row(db, job.id).state == "queued"

    worker = start_worker(worker_env, "--burst", log=tmp_path / "worker.log")
    assert worker.wait(timeout=60) == 0, (tmp_path / "worker.log").read_text()
    row = job_row(db, job.id)
    assert (row.state, row.progress_done, row.progress_total, row.attempts) == ("done", 12, 12, 1)
    assert items_done(db, job.id) == Counter({str(i): 1 for i in range(12)})


def test_escalate_without_a_worker_says_how_to_follow_the_job(app, redis_jobs):
    result = app.test_cli_runner().invoke(args=["escalate"])
    assert result.exit_code == 0, result.output
    assert "queued for a worker" in result.output and "jobs watch" in result.output


@pytest.mark.postgres
def test_a_job_whose_worker_is_killed_is_finished_by_another_each_item_exactly_once(
        app, db, is_postgres, redis_jobs, worker_env, tmp_path):
    if not is_postgres:
        pytest.skip("two worker processes and the test share one database: run with TEST_DATABASE_URL")
    items = 60
    with app.app_context():
        job = enqueue(db, "demo.count", items=items, batch=5, pause=0.25)
        db.commit()
    log = tmp_path / "workers.log"
    first = start_worker(worker_env, log=log)
    try:
        wait_for(lambda: job_row(db, job.id).progress_done >= 15, 60, "the first worker to be well into the job")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker, its scheduler and (through PDEATHSIG) its work horse
        first.wait(timeout=10)
    stopped_at = job_row(db, job.id).progress_done
    time.sleep(1.5)  # no orphaned work horse carries on behind the dead worker's back
    assert job_row(db, job.id).progress_done == stopped_at < items
    assert job_row(db, job.id).state == "running"

    second = start_worker(worker_env, log=log)
    try:
        row = wait_for(lambda: (r := job_row(db, job.id)).state in ("done", "failed") and r, 90,
                       "the second worker to finish the job")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert row.state == "done", log.read_text()[-3000:]
    assert (row.progress_done, row.attempts) == (items, 2)
    assert items_done(db, job.id) == Counter({str(i): 1 for i in range(items)})


def work_horse_of(worker_pid: int) -> int | None:
    """The worker's child that RQ put in a process group of its own: the one running the job."""
    try:
        children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
    except OSError:
        return None
    return next((int(pid) for pid in children if os.getpgid(int(pid)) == int(pid)), None)


def test_a_job_whose_work_horse_dies_is_retried_and_finished_each_item_once(app, db, redis_jobs, worker_env,
                                                                             tmp_path):
    items = 40
    with app.app_context():
        job = enqueue(db, "demo.count", items=items, batch=5, pause=0.25)
        db.commit()
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env, log=log)
    try:
        wait_for(lambda: job_row(db, job.id).progress_done >= 10, 60, "the job to be well under way")
        horse = wait_for(lambda: work_horse_of(worker.pid), 10, "the work horse")
        os.kill(horse, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        row = wait_for(lambda: (r := job_row(db, job.id)).state in ("done", "failed") and r, 60,
                       "the worker to retry and finish the job")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert row.state == "done", log.read_text()[-3000:]
    assert (row.progress_done, row.attempts) == (items, 2)
    assert items_done(db, job.id) == Counter({str(i): 1 for i in range(items)})
