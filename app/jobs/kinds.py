"""The portal's job kinds. A new kind is one decorated function here (or in a module imported here)."""
from __future__ import annotations

import time
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from ..models.base import utcnow
from .registry import job_kind
from .runner import JobRun, enqueue


@job_kind("complaints.escalate", label=_l("Complaint escalation"),
          result_labels={"escalated": _l("escalated"), "closed": _l("closed")})
def escalate_complaints(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.complaints import escalate_overdue

    escalated, closed = escalate_overdue(session, run.context)
    return {"escalated": escalated, "closed": closed}


@job_kind("housekeeping.clean_up", label=_l("Clean-up"),
          result_labels={"replay keys": _l("replay keys removed"), "one-time codes": _l("one-time codes removed"),
                         "sessions": _l("sessions removed"), "finished jobs": _l("finished jobs removed"),
                         "used or expired codes": _l("used or expired codes removed"),
                         "code messages": _l("codes removed from sent messages"),
                         "sms numbers masked": _l("mobile numbers masked in old messages")})
def clean_up(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.housekeeping import clean_up as remove_old
    from ..services.jobs import remove_finished_jobs

    removed = remove_old(session, now=run.context.now(), replay_days=int(params.get("replay_days", 7)),
                         code_ttl_seconds=int(run.settings["OTP_TTL_SECONDS"]),
                         sms_retention_days=int(run.settings["SMS_RETENTION_DAYS"]))
    removed["finished jobs"] = remove_finished_jobs(session, older_than=timedelta(days=int(params.get("job_days", 30))))
    return removed


@job_kind("backchecks.draw", label=_l("Back-check draw"),
          result_labels={"drawn": _l("households drawn"), "assigned": _l("assigned to an enumerator"),
                         "unassigned": _l("waiting for an enumerator"), "seed": _l("seed"),
                         "reassigned": _l("earlier back-checks given to an enumerator"),
                         "enumerators": _l("enumerators' figures counted")})
def draw_back_checks(session: Session, params: dict, run: JobRun) -> dict:
    """5% of each enumerator's approvals of the last 7 days, for a re-visit by another enumerator (run
    daily: a re-run only tops the sample up), then each enumerator's figures counted again for the quality
    page. A seed in the parameters makes the draw reproducible."""
    from ..services.back_checks import draw, refresh_enumerator_figures

    seed = params.get("seed")
    report = draw(session, run.context, seed=int(seed) if seed is not None else None)
    counted = refresh_enumerator_figures(session, run.context)
    return {"drawn": report.drawn, "assigned": report.assigned, "unassigned": report.unassigned, "seed": report.seed,
            "reassigned": report.reassigned, "enumerators": counted}


@job_kind("backchecks.figures", label=_l("Counting enumerators' figures"),
          result_labels={"enumerators": _l("enumerators' figures counted")})
def count_enumerator_figures(session: Session, params: dict, run: JobRun) -> dict:
    from ..services.back_checks import refresh_enumerator_figures

    return {"enumerators": refresh_enumerator_figures(session, run.context)}


@job_kind("sms.send", label=_l("Sending SMS"), resumable=True, retries=5,
          result_labels={"sent": _l("sent"), "retrying": _l("to try again"), "failed": _l("failed")})
def send_sms_outbox(session: Session, params: dict, run: JobRun) -> dict:
    """Hand every due message to the gateway. Each message's hand-over is marked and committed before the
    gateway is called and its outcome committed right after, so a crash never sends a message twice."""
    from ..services import sms_delivery as outbox

    backend = outbox.backend_named(run.settings["SMS_BACKEND"], run.settings)
    counts = dict(run.checkpoint or {"sent": 0, "retrying": 0, "failed": 0})
    if backend is None:  # the outbox backend: a gateway outside the portal collects the queued messages
        return counts
    outbox.give_up_interrupted(session, now=utcnow())
    while batch := outbox.claim_due(session, now=utcnow(), backend=backend.name):
        done = sum(counts.values())
        run.save(counts, done=done, total=done + len(batch) + outbox.count_due(session, now=utcnow()))
        for sms in batch:
            try:
                backend.send(sms)
            except Exception as error:  # any refusal or breakage of the gateway: try again later
                status = outbox.record_failure(session, sms.id, f"{type(error).__name__}: {error}", now=utcnow(),
                                               max_attempts=run.settings["SMS_MAX_ATTEMPTS"],
                                               retry_seconds=run.settings["SMS_RETRY_SECONDS"],
                                               permanent=isinstance(error, outbox.SmsRefused))
                counts["retrying" if status == "queued" else "failed"] += 1
            else:
                outbox.record_sent(session, sms.id, now=utcnow())
                counts["sent"] += 1
            run.save(counts, done=sum(counts.values()))
    retry_at = outbox.next_retry_at(session)
    if retry_at is not None and not _sending_planned_by(session, retry_at, run.job_id):
        enqueue(session, "sms.send", run_after=retry_at)  # with RQ's scheduler; inline, the next send retries
    return counts


def _sending_planned_by(session: Session, when, this_job: int) -> bool:
    return session.scalar(
        select(BackgroundJob.id).where(BackgroundJob.kind == "sms.send", BackgroundJob.state == "queued",
                                       BackgroundJob.id != this_job, BackgroundJob.run_after <= when).limit(1)
    ) is not None


@job_kind("demo.count", label=_l("Demonstration: counting items"), resumable=True,
          result_labels={"items": _l("items")})
def count_items(session: Session, params: dict, run: JobRun) -> dict:
    """A long job in checkpointed batches, for trying workers out: each item leaves one audit entry, in the
    same transaction as the checkpoint that counts it, so a retried run does each item exactly once."""
    from ..services import audit

    items, batch, pause = int(params.get("items", 100)), int(params.get("batch", 10)), float(params.get("pause", 0))
    done = int(run.checkpoint or 0)
    while done < items:
        upto = min(done + batch, items)
        for item in range(done, upto):
            audit.record(session, run.context, "job.demo", outcome=str(item), detail={"job": run.job_id})
        if pause:
            time.sleep(pause)  # stands in for real work, long enough to stop a worker in the middle
        done = upto
        run.save(done, done=done, total=items)
    return {"items": items}


@job_kind("households.cross_check", label=_l("Cross-checks of households"), resumable=True,
          result_labels={"checked": _l("households checked")})
def cross_check_households(session: Session, params: dict, run: JobRun) -> dict:
    """Re-check every household of the given states in batches (after a bulk import, or after a rule changed);
    a retried run continues after the last household its checkpoint names."""
    from ..services.cross_checks import SWEPT_STATUSES, recheck_batch

    statuses = tuple(params.get("statuses") or SWEPT_STATUSES)
    state = dict(run.checkpoint or {"after_id": 0, "checked": 0})
    while True:
        checked, last_id = recheck_batch(session, run.context, after_id=state["after_id"], statuses=statuses)
        if last_id is None:
            return {"checked": state["checked"]}
        state = {"after_id": last_id, "checked": state["checked"] + checked}
        run.save(state, done=state["checked"])


from . import programme_kinds  # noqa: E402,F401  (programme jobs)
from . import rescore as _rescore  # noqa: E402,F401  (scoring.rescore)
from . import schedule_kinds  # noqa: E402,F401  (survey schedules)
