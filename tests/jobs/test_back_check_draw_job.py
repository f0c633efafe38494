"""The weekly back-check draw runs as a background job, started by `flask backcheck draw` or from the jobs
command, and its result (how many drawn, assigned, waiting, and the seed) is recorded."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.roles import Role
from app.models import BackCheck, BackgroundJob
from app.models.base import utcnow
from tests.backcheck_helpers import approve, surveyed
from tests.factories import make_user


def a_week_of_approvals(db, count=30):
    supervisor = make_user(db, role=Role.SUPERVISOR, area="Lahore")
    worker, colleague = (make_user(db, role=Role.ENUMERATOR, area="Lahore") for _ in range(2))
    for i in range(count):
        at = utcnow() - timedelta(days=2, minutes=i)
        approve(db, surveyed(db, worker, submitted=at - timedelta(hours=1)), supervisor, at=at)
    db.commit()
    return worker, colleague


def test_flask_backcheck_draw_runs_the_draw_as_a_job_and_prints_what_it_did(app, db):
    worker, colleague = a_week_of_approvals(db)

    result = app.test_cli_runner().invoke(args=["backcheck", "draw", "--seed", "77"])

    assert result.exit_code == 0, result.output
    assert "drawn: 2, assigned: 2, unassigned: 0, seed: 77; enumerators' figures counted: 1" in result.output
    job = db.scalars(select(BackgroundJob)).one()
    assert (job.kind, job.state, job.params) == ("backchecks.draw", "done", {"seed": 77})
    drawn = db.scalars(select(BackCheck)).all()
    assert {(b.original_enumerator_id, b.assigned_enumerator_id, b.seed) for b in drawn} == {(worker.id, colleague.id, 77)}


def test_the_draw_job_without_a_seed_picks_one_and_records_it(app, db):
    a_week_of_approvals(db, count=3)
    started = app.test_cli_runner().invoke(args=["jobs", "start", "backchecks.draw", "--wait"])
    assert started.exit_code == 0, started.output
    job = db.scalars(select(BackgroundJob)).one()
    assert job.state == "done" and job.result["drawn"] == 1
    assert db.scalars(select(BackCheck.seed)).one() == job.result["seed"]


def test_flask_backcheck_figures_counts_the_enumerators_figures(app, db):
    from app.models import EnumeratorFigures

    worker, _colleague = a_week_of_approvals(db, count=6)
    result = app.test_cli_runner().invoke(args=["backcheck", "figures"])
    assert result.exit_code == 0, result.output
    assert "enumerators' figures counted: 1" in result.output
    figures = db.get(EnumeratorFigures, worker.id)
    assert (figures.households, figures.submissions, figures.median_minutes) == (6, 6, 0.0)
