"""An operator re-scores every verified household under the active version from the command line: the work
runs as a background job in batches, its progress recorded batch by batch for /admin/jobs and `flask jobs
watch`, and a version that is not active is refused."""
from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import select

from app.domain.household_status import HouseholdStatus
from app.domain.scoring import ILLUSTRATIVE_DEFINITION
from app.models import BackgroundJob, HouseholdScore
from app.services import scoring
from app.services.context import ServiceContext
from tests.factories import make_household


def _setup(app, db, households=7):
    ctx = ServiceContext.from_config(app.config)
    scoring.ensure_illustrative_model(db, ctx)
    for n in range(households):
        make_household(db, status=HouseholdStatus.VERIFIED, rooms=1 + n % 3, roof="rcc", monthly_income=5000 * n)
    make_household(db, status=HouseholdStatus.DRAFT, rooms=2)
    changed = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
    changed["indicators"][3]["weight"] = 4
    new = scoring.create_model(db, ctx, version="rooms-count-more", effective_from=date(2026, 1, 1), definition=changed)
    db.commit()
    return ctx, new


def test_the_rescore_command_runs_a_job_in_batches_with_progress(app, db):
    ctx, new = _setup(app, db)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["score", "rescore", "--model", "rooms-count-more"])
    assert refused.exit_code != 0 and "not active" in refused.output
    assert runner.invoke(args=["score", "rescore", "--model", "nope"]).exit_code != 0
    scoring.activate_model(db, ctx, new)
    db.commit()
    result = runner.invoke(args=["score", "rescore", "--model", "rooms-count-more", "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    assert "households scored: 7" in result.output
    job = db.scalars(select(BackgroundJob).where(BackgroundJob.kind == "scoring.rescore")).one()
    assert (job.kind, job.state, job.progress_done, job.progress_total, job.result) == (
        "scoring.rescore", "done", 7, 7, {"scored": 7})
    assert job.checkpoint["done"] == 7
    # The dashboard's programme counts follow the new scores: counted again by a job of their own.
    follow_up = db.scalars(select(BackgroundJob).where(BackgroundJob.kind == "programmes.refresh_counts")).one()
    assert follow_up.state == "done"
    rows = db.scalars(select(HouseholdScore)).all()
    assert {(r.model_id, r.reason) for r in rows} == {(new.id, "rescore")} and len(rows) == 7
    listed = runner.invoke(args=["score", "list"])
    assert "* rooms-count-more" in listed.output and "7 households" in listed.output
    watched = runner.invoke(args=["jobs", "watch", str(job.id)])
    assert watched.exit_code == 0 and "scoring.rescore" in watched.output and "scored: 7" in watched.output


def test_small_batches_save_progress_after_each_batch(app, db):
    ctx, new = _setup(app, db, households=5)
    scoring.activate_model(db, ctx, new)
    db.commit()
    from app.jobs import KINDS, JobRun

    saved = []

    class Recording(JobRun):
        def save(self, checkpoint=None, *, done=None, total=None, message=None):
            saved.append((done, total))
            db.commit()
            if checkpoint is not None:
                self.checkpoint = checkpoint

    first, last, _ = scoring.verified_id_range(db)
    run = Recording(0, db, "token", None, app.config, 1, ctx)
    result = KINDS["scoring.rescore"].func(db, {"model_id": new.id, "batch": 2}, run)
    db.commit()
    assert result == {"scored": 5}
    assert saved[0] == (0, 5) and saved[-1][0] == 5 and len(saved) >= 1 + (last - first + 1) // 2
    assert [done for done, _ in saved] == sorted(done for done, _ in saved)


def test_the_seed_command_adds_the_illustrative_model_once(app, db):
    runner = app.test_cli_runner()
    first, second = runner.invoke(args=["seed"]), runner.invoke(args=["seed"])
    assert first.exit_code == second.exit_code == 0
    assert "illustrative model added" in first.output and "scoring model: already there" in second.output
    listed = runner.invoke(args=["score", "list"])
    assert "* illustrative-2026" in listed.output and "(illustrative)" in listed.output
