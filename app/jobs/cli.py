"""Command line: `flask worker`, `flask jobs` (the latest jobs), `flask jobs watch ID` (a progress bar until
it ends) and `flask jobs start KIND` (any registered kind, e.g. from cron)."""
from __future__ import annotations

import sys
import time

import click
from flask import Flask
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from .registry import KINDS, kind_named
from .runner import runner_for


def _session() -> Session:
    from ..extensions import db

    return Session(db.engine)


def _line(job: BackgroundJob) -> str:
    progress = f"{job.progress_done}/{job.progress_total}" if job.progress_total else str(job.progress_done or "")
    note = job.error if job.state == "failed" else (job.message or _result_text(job.result))
    return (f"#{job.id:<6} {job.kind:<24} {job.state:<8} {progress:>11}  tries {job.attempts}  "
            f"{job.created_at:%Y-%m-%d %H:%M}  {note or ''}").rstrip()


def _result_text(result) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{key}: {value}" for key, value in result.items())
    return "" if result is None else str(result)


def watch_job(job_id: int, *, interval: float = 0.5) -> BackgroundJob:
    """Show a progress bar until the job is done or failed; returns its last state."""
    with _session() as session:
        job = session.get(BackgroundJob, job_id)
        if job is None:
            raise click.ClickException(f"no job #{job_id}")
        with click.progressbar(length=job.progress_total or 1, label=f"#{job.id} {job.kind}", show_pos=True,
                               show_percent=True, file=sys.stderr) as bar:
            while True:
                session.expire_all()
                job = session.get(BackgroundJob, job_id)
                if job.progress_total:
                    bar.length = job.progress_total
                done = job.progress_done if job.state != "done" else (job.progress_total or 1)
                if done > bar.pos:
                    bar.update(done - bar.pos)
                if not job.is_active:
                    break
                time.sleep(interval)
        session.expunge(job)
    return job


def report(job: BackgroundJob | None, *, wait: bool) -> BackgroundJob | None:
    """After the enqueuing commit: the job ran already (inline), or it waits for a worker (watch it or say how)."""
    if job is None:
        return None
    with _session() as session:
        job = session.get(BackgroundJob, job.id)
        session.expunge(job)
    if job.is_active and wait:
        job = watch_job(job.id)
    if job.state == "failed":
        raise click.ClickException(f"job #{job.id} ({job.kind}) failed: {job.error}")
    if job.is_active:
        click.echo(f"job #{job.id} ({job.kind}) queued for a worker; follow it with: flask --app wsgi jobs watch {job.id}")
    return job


def init_jobs_cli(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Quit once the queue is empty (tests, cron).")
    @click.option("--name", default=None, help="The worker's name in Redis (default: host and process).")
    def worker_command(burst: bool, name: str | None) -> None:
        """Run background jobs from Redis (REDIS_URL). Without REDIS_URL jobs run inline: no worker needed."""
        runner = runner_for(app)
        if not runner.uses_rq:
            raise click.UsageError("REDIS_URL is not set: jobs run inline, in the process that enqueues them.")
        from .worker import run_worker

        run_worker(runner, burst=burst, name=name)

    @app.cli.group("jobs", invoke_without_command=True)
    @click.option("--limit", default=20, show_default=True)
    @click.pass_context
    def jobs_group(ctx: click.Context, limit: int) -> None:
        """The latest background jobs, their state and progress."""
        if ctx.invoked_subcommand is not None:
            return
        from ..services.jobs import recent_jobs

        with app.app_context(), _session() as session:
            for job in recent_jobs(session, limit):
                click.echo(_line(job))

    @jobs_group.command("watch")
    @click.argument("job_id", type=int)
    def watch_command(job_id: int) -> None:
        """A progress bar for job JOB_ID until it is done or failed."""
        job = watch_job(job_id)
        click.echo(_line(job))
        if job.state == "failed":
            raise SystemExit(1)

    @jobs_group.command("start")
    @click.argument("kind")
    @click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
    @click.option("--wait", is_flag=True, help="Show progress until the job ends.")
    def start_command(kind: str, params: tuple[str, ...], wait: bool) -> None:
        """Enqueue a job of KIND (one of the registered kinds, e.g. sms.send, demo.count)."""
        from ..extensions import db
        from . import enqueue

        try:
            kind_named(kind)
        except LookupError:
            raise click.BadParameter(f"known kinds: {', '.join(sorted(KINDS))}", param_hint="KIND") from None
        values = {}
        for pair in params:
            name, sep, value = pair.partition("=")
            if not sep:
                raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
            values[name] = int(value) if value.lstrip("-").isdigit() else value
        job = enqueue(db.session, kind, **values)
        db.session.commit()
        job = report(job, wait=wait)
        if not job.is_active:
            click.echo(_line(job))
