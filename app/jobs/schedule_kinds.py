"""The survey schedule's job: the area's online registrations moved to `scheduled` and told by SMS, in
batches that each commit with the job's checkpoint (a retried run continues; nobody is told twice)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .registry import job_kind
from .runner import JobRun


@job_kind("schedules.notify", label=_l("Survey schedule: households scheduled and told by SMS"), resumable=True,
          result_labels={"scheduled": _l("households scheduled")})
def notify_scheduled_households(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.schedules import schedule_batch, waiting_households

    schedule_id = int(params["schedule_id"])
    done = int(run.checkpoint or 0)
    total = done + waiting_households(session, schedule_id)
    run.save(done, done=done, total=total)
    while moved := schedule_batch(session, run.context, schedule_id, limit=int(params.get("batch", 1000))):
        done += moved
        run.save(done, done=done, total=max(total, done))
    return {"scheduled": done}
