"""Without Redis (the zero-setup default) a job runs right after the commit that asked for it, in its own
session, and its progress and outcome are recorded as with a worker."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.jobs import JobRun, JobTakenOver, enqueue, job_kind, runner_for
from app.models import AuditEntry, BackgroundJob


@job_kind("test.explode", label="explodes")
def _explode(session, params, run):
    session.add(AuditEntry(action="test.explode", outcome="half-done"))
    session.flush()
    raise RuntimeError("the gateway is on fire")


def demo_items(db, job_id: int) -> list[str]:
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "job.demo")).all()
    return sorted((e.outcome for e in entries if e.detail["job"] == job_id), key=int)


def test_a_job_waits_for_the_commit_then_runs_inline_and_records_its_progress(app, db):
    with app.app_context():
        job = enqueue(db, "demo.count", items=25, batch=10)
        assert db.get(BackgroundJob, job.id).state == "queued"
        assert demo_items(db, job.id) == []  # nothing runs before the commit
        db.commit()
    db.expire_all()
    job = db.get(BackgroundJob, job.id)
    assert (job.state, job.progress_done, job.progress_total, job.attempts) == ("done", 25, 25, 1)
    assert job.result == {"items": 25} and job.started_at and job.finished_at and job.error is None
    assert demo_items(db, job.id) == [str(i) for i in range(25)]


def test_a_rolled_back_transaction_starts_no_job(app, db):
    with app.app_context():
        enqueue(db, "demo.count", items=5)
        db.rollback()
        db.commit()  # a later commit of the same session does not start the forgotten job
    assert db.scalar(select(func.count()).select_from(BackgroundJob)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_failing_job_is_recorded_failed_with_its_error_and_none_of_its_work(app, db):
    with app.app_context():
        job = enqueue(db, "test.explode")
        db.commit()  # the failure stays in the job: the caller's commit succeeds
    db.expire_all()
    job = db.get(BackgroundJob, job.id)
    assert job.state == "failed" and "the gateway is on fire" in job.error and job.finished_at
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.explode")) == 0


def test_a_finished_job_is_never_run_again(app, db):
    with app.app_context():
        job = enqueue(db, "demo.count", items=3, batch=3)
        db.commit()
    assert runner_for(app).run(job.id) == "skipped"
    db.expire_all()
    assert db.get(BackgroundJob, job.id).attempts == 1
    assert demo_items(db, job.id) == ["0", "1", "2"]


def test_a_run_that_was_taken_over_keeps_nothing_of_its_batch(app, db):
    """Two runs of one job (a worker presumed lost, still alive): only the newest may commit a batch."""
    from sqlalchemy.orm import Session

    job = BackgroundJob(kind="demo.count", params={}, state="running", run_token="old-run", checkpoint=0)
    db.add(job)
    db.commit()
    with app.app_context():
        from app.extensions import db as flask_db

        with Session(flask_db.engine) as session:
            stale = JobRun(job.id, session, "old-run", 0, app.config, 1)
            db.execute(BackgroundJob.__table__.update().values(run_token="new-run"))  # the takeover
            db.commit()
            session.add(AuditEntry(action="job.demo", outcome="0", detail={"job": job.id}))
            with pytest.raises(JobTakenOver):
                stale.save(5, done=5)
    db.expire_all()
    assert db.get(BackgroundJob, job.id).checkpoint == 0
    assert demo_items(db, job.id) == []


def test_an_unknown_kind_is_refused_in_the_caller(app, db):
    with app.app_context(), pytest.raises(LookupError, match="no job kind 'nope'"):
        enqueue(db, "nope")
