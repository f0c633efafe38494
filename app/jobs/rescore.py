"""The re-score job: every verified household scored again under one version of the model, set-based, in
batches by id range; each batch commits with its checkpoint and progress, so /admin/jobs and `flask jobs watch`
follow it and a retried run continues where the last one stopped."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .registry import job_kind
from .runner import JobRun, enqueue_once

BATCH = 20_000


class ModelNotActive(RuntimeError):
    pass


@job_kind("scoring.rescore", label=_l("Re-scoring households"), resumable=True, timeout=6 * 3600,
          result_labels={"scored": _l("households scored")})
def rescore(session: Session, params: dict, run: JobRun) -> dict:
    from ..models import ScoringModel
    from ..services import scoring

    row = session.get(ScoringModel, int(params["model_id"]))
    if row is None or not row.active:
        raise ModelNotActive(f"version {params.get('model_id')} is not the active model: activate it first")
    batch = int(params.get("batch", BATCH))
    checkpoint = dict(run.checkpoint or {})
    if not checkpoint:
        first, last, total = scoring.verified_id_range(session)
        checkpoint = {"next": first, "last": last, "done": 0, "started": run.context.now().isoformat()}
        run.save(checkpoint, done=0, total=total)
    started = datetime.fromisoformat(checkpoint["started"])
    while checkpoint["next"] <= checkpoint["last"]:
        end = checkpoint["next"] + batch
        scored = scoring.rescore_range(session, row, checkpoint["next"], end, started)
        checkpoint = {**checkpoint, "next": end, "done": checkpoint["done"] + scored}
        run.save(checkpoint, done=checkpoint["done"])
    scoring.rebuild_score_counts(session)  # commits with the job's `done`
    # Eligibility follows the new scores: the dashboard's programme counts are counted again after this commit.
    enqueue_once(session, "programmes.refresh_counts")
    return {"scored": checkpoint["done"]}
