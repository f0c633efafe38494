"""Operators run jobs from the command line: escalate and clean-up are jobs, `flask jobs` lists the latest,
`flask jobs watch ID` follows one, `flask jobs start KIND` starts any kind; `flask worker` needs Redis."""
from __future__ import annotations

from sqlalchemy import select

from app.models import BackgroundJob


def test_escalate_runs_as_a_job_and_prints_what_it_did(app, db):
    result = app.test_cli_runner().invoke(args=["escalate"])
    assert result.exit_code == 0, result.output
    assert "escalated: 0, closed: 0" in result.output
    job = db.scalars(select(BackgroundJob)).one()
    assert (job.kind, job.state, job.result) == ("complaints.escalate", "done", {"escalated": 0, "closed": 0})


def test_a_started_job_is_listed_and_watched_to_its_end(app, db):
    runner = app.test_cli_runner()
    started = runner.invoke(args=["jobs", "start", "demo.count", "-p", "items=7", "-p", "batch=3", "--wait"])
    assert started.exit_code == 0, started.output
    job = db.scalars(select(BackgroundJob)).one()
    assert (job.state, job.params, job.progress_done) == ("done", {"items": 7, "batch": 3}, 7)
    listed = runner.invoke(args=["jobs"])
    assert f"#{job.id}" in listed.output and "demo.count" in listed.output and "7/7" in listed.output
    watched = runner.invoke(args=["jobs", "watch", str(job.id)])
    assert watched.exit_code == 0 and "done" in watched.output and "items: 7" in watched.output
    assert runner.invoke(args=["jobs", "watch", "999999"]).exit_code != 0


def test_an_unknown_kind_or_a_malformed_parameter_is_refused(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["jobs", "start", "nope"])
    assert unknown.exit_code != 0 and "demo.count" in unknown.output
    malformed = runner.invoke(args=["jobs", "start", "demo.count", "-p", "items"])
    assert malformed.exit_code != 0 and "NAME=VALUE" in malformed.output


def test_the_worker_explains_that_without_redis_jobs_run_inline(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output
