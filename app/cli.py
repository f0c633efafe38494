"""Operator commands: seed, seed-demo, create-user, escalate and clean-up (as jobs), and `translate`.
Each command that changes data is one unit of work: all of it is committed, or none (app.unit_of_work)."""
from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask

from .config import ROOT
from .domain.cnic import CnicError
from .domain.roles import Role
from .extensions import db
from .unit_of_work import service_context, unit_of_work


def init_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed() -> None:
        """Load reference data (the areas of Punjab, the programmes and their first rules, the illustrative
        scoring model). Safe to run any number of times."""
        from .services.areas import load_areas
        from .services.programmes import seed_programmes
        from .services.scoring import ensure_illustrative_model

        with unit_of_work(db.session) as session:
            added, updated = load_areas(session)
            programmes_added, programmes_updated = seed_programmes(session, service_context())
            added_model = ensure_illustrative_model(session, service_context())
        click.echo(f"areas: {added} added, {updated} updated")
        click.echo(f"programmes: {programmes_added} added, {programmes_updated} updated")
        click.echo(f"scoring model: {'illustrative model added' if added_model else 'already there'}")

    @app.cli.command("seed-demo")
    @click.option("--households", default=50, show_default=True, type=click.IntRange(0, 9_999_999),
                  help="Demo households demo-0000001 … demo-N exist afterwards: a second run adds only those missing.")
    def seed_demo(households: int) -> None:
        """Demo accounts (one per role) and households in every state, through the bulk loader."""
        from .models.base import utcnow
        from .services.areas import load_areas
        from .services.credentials import hash_password
        from .services.demo import (
            DEMO_ACCOUNTS,
            DEMO_PASSWORD,
            demo_key,
            ensure_demo_accounts,
            missing_demo_numbers,
            seed_demo_complaints,
            seed_demo_households,
        )

        with unit_of_work(db.session) as session:
            load_areas(session)
            ensure_demo_accounts(session, service_context())
        numbers = missing_demo_numbers(db.session, households)
        now = utcnow()
        demo_hash = hash_password(DEMO_PASSWORD, fast=service_context().fast_password_hash)
        report = _load_with_progress(len(numbers), lambda on_batch: seed_demo_households(
            db.session, numbers, now=now, password_hash=demo_hash, on_batch=on_batch))
        _echo_report(report)
        count = max(report.households // 5, 6) if report.households else 0
        with unit_of_work(db.session) as session:
            complaints = seed_demo_complaints(session, count, now=now, first_key=demo_key(numbers.start))
        click.echo(f"complaints: {complaints} added")
        for role, cnic, name, area in DEMO_ACCOUNTS:
            click.echo(f"  {role:<10} {cnic}  {DEMO_PASSWORD}  {name}{'  (' + area + ')' if area else ''}")

    @app.cli.group("import")
    def import_group() -> None:
        """Bulk imports from files."""

    @import_group.command("households")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000))
    @click.option("--rejected", type=click.Path(dir_okay=False, writable=True), default=None,
                  help="Also write the refused rows' line, key and reason to this CSV file, for the clerk to fix.")
    def import_households(file: str, batch_size: int, rejected: str | None) -> None:
        """Load households from a CSV file (columns in the README, "Importing households").

        Rows that break a rule are listed with their line and not loaded; the rest load. Each batch is committed
        as it is written; running the same file again adds nothing (households are keyed by the `key` column).
        Imported accounts have no password: the citizen sets one with "forgot password".
        """
        from pathlib import Path

        from .models.base import utcnow
        from .services.bulk_load import load_households
        from .services.household_csv import ImportFileError, area_codes, read_households

        path = Path(file)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows_in_file = max(sum(1 for _ in handle) - 1, 0)  # lines, for the progress bar
        now = utcnow()
        areas = area_codes(db.session)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            try:
                rows = read_households(handle, areas, source=path.name, today=now.date())
                report = _load_with_progress(rows_in_file, lambda on_batch: load_households(
                    db.session, rows, now=now, batch_size=batch_size, on_batch=on_batch))
            except ImportFileError as error:
                raise click.ClickException(f"{path.name}: {error}") from None
        _echo_report(report)
        if rejected:
            import csv

            with open(rejected, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["line", "key", "reason"])
                writer.writerows((r.line, r.key, r.reason) for r in [*report.rejected, *report.account_clashes])
        if report.rejected:
            raise SystemExit(1)  # the good rows are loaded; the status tells a script that some need fixing

    def _load_with_progress(length: int, load):
        """Run `load(on_batch)` with a progress bar; each batch is committed once written (the load is
        idempotent, so a run cut short is finished by running it again)."""
        with click.progressbar(length=length, label="households", file=sys.stderr) as bar:
            def on_batch(report, rows_in_batch: int) -> None:
                db.session.commit()
                bar.update(rows_in_batch)

            report = load(on_batch)
        db.session.commit()
        return report

    def _echo_report(report) -> None:
        click.echo(f"households: {report.households} added, {report.already_loaded} already there, "
                   f"{len(report.rejected)} refused; members: {report.members}; accounts: {report.accounts}")
        for rejection in report.rejected:
            click.echo(f"  line {rejection.line}{' (' + rejection.key + ')' if rejection.key else ''}: "
                       f"{rejection.reason}")
        for clash in report.account_clashes:
            click.echo(f"  line {clash.line}: {clash.reason}")

    @app.cli.command("create-user")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--cnic", required=True)
    @click.option("--name", required=True)
    @click.option("--password", required=True)
    @click.option("--area", default=None, help="An area's code (DST-LHR) or English name (Lahore).")
    @click.option("--mobile", default=None)
    def create_user_command(role, cnic, name, password, area, mobile) -> None:
        """Create an account of any role; staff accounts need no OTP."""
        from .domain.mobile import MobileError, normalise_mobile
        from .services.areas import find_area
        from .services.users import UserInputError, create_user

        from .domain.names import PersonNameError, check_name

        try:
            name = check_name(name, min_letters=1)
        except PersonNameError as error:
            raise click.BadParameter(f"not a readable name ({error.code}: letters on one line, no direction "
                                     "controls)", param_hint="--name") from None
        found = None
        if area:
            found = find_area(db.session, area)
            if found is None:
                raise click.BadParameter(f"no area with code or name {area!r} (did you run `flask seed`?)", param_hint="--area")
        try:
            mobile = normalise_mobile(mobile) if mobile else None
            with unit_of_work(db.session) as session:
                user = create_user(session, service_context(), role=role, cnic=cnic, name=name, password=password,
                                   area=found, mobile=mobile)
        except CnicError as error:
            raise click.BadParameter(f"not a valid CNIC ({error.code})", param_hint="--cnic") from None
        except MobileError as error:
            raise click.BadParameter(f"not a valid mobile number ({error.code})", param_hint="--mobile") from None
        except UserInputError as error:
            raise click.UsageError(str(error)) from None
        click.echo(f"created {user.role} {user.cnic} ({user.full_name}){' in ' + found.name_en if found else ''}")

    @app.cli.command("escalate")
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def escalate_command(wait: bool) -> None:
        """Escalate complaints past their deadline to a supervisor of the district (or an admin), and close
        resolved ones whose 7 days for reopening have passed. Safe to run repeatedly (e.g. every 15 minutes).
        Runs as a background job: inline without REDIS_URL, else on a worker."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "complaints.escalate")
        job = report(job, wait=wait)  # without Redis it ran once the unit of work committed
        if job.state == "done":
            click.echo(f"escalated: {job.result['escalated']}, closed: {job.result['closed']}")

    @app.cli.command("cross-check")
    @click.option("--status", "statuses", multiple=True,
                  type=click.Choice(["registered", "scheduled", "draft", "submitted", "returned", "verified"]),
                  help="Households in this state (repeatable; default submitted, returned and verified).")
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def cross_check_command(statuses: tuple[str, ...], wait: bool) -> None:
        """Run the cross-checks again on every household of the given states and replace their flags (after a
        bulk import or the demo seed, which do not save through the questionnaire). A background job."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "households.cross_check", statuses=list(statuses))
        job = report(job, wait=wait)
        if job.state == "done":
            click.echo(f"households checked: {job.result['checked']}")

    @app.cli.group("backcheck")
    def backcheck() -> None:
        """Back-checks: re-visits of a sample of approved households by another enumerator."""

    @backcheck.command("draw")
    @click.option("--seed", type=click.IntRange(0, 2**31 - 2), help="Draw reproducibly (default: a fresh random seed).")
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def backcheck_draw(seed: int | None, wait: bool) -> None:
        """Draw 5% of each enumerator's households approved in the last 7 days for a re-visit, assigned to
        another enumerator of the area. Safe to run daily: a re-run only tops the sample up.
        Runs as a background job: inline without REDIS_URL, else on a worker."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "backchecks.draw", **({"seed": seed} if seed is not None else {}))
        job = report(job, wait=wait)
        if job.state == "done":
            result = job.result
            click.echo(f"drawn: {result['drawn']}, assigned: {result['assigned']}, "
                       f"unassigned: {result['unassigned']}, seed: {result['seed']}; "
                       f"enumerators' figures counted: {result['enumerators']}")

    @backcheck.command("figures")
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def backcheck_figures(wait: bool) -> None:
        """Count every enumerator's figures again for /supervisor/enumerators (the draw does it daily)."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "backchecks.figures")
        job = report(job, wait=wait)
        if job.state == "done":
            click.echo(f"enumerators' figures counted: {job.result['enumerators']}")

    @app.cli.group()
    def summaries() -> None:
        """The summary counts that home pages and dashboards read."""

    @summaries.command("rebuild")
    def summaries_rebuild() -> None:
        """Count households, users and complaints again from the tables, set-based (after a bulk load, or to
        repair counts that a bulk statement bypassed)."""
        from .services.disaster import rebuild_relief_counts
        from .services.summaries import rebuild_summaries

        with unit_of_work(db.session) as session:
            rebuild_summaries(session)
            rebuild_relief_counts(session)
        click.echo("summaries rebuilt")

    @app.cli.group()
    def facts() -> None:
        """The household facts (members by age, disability, school, the head) that rules and rankings read."""

    @facts.command("refresh")
    @click.option("--district", "district", default=None, help="only this district (code or English name)")
    def facts_refresh(district: str | None) -> None:
        """Count every household's facts again on today's date, set-based (ages move on: run it yearly)."""
        from datetime import date

        from .services.areas import find_area
        from .services.household_facts import refresh_all

        with unit_of_work(db.session) as session:
            district_id = None
            if district:
                area = find_area(session, district)
                if area is None:
                    raise click.BadParameter(f"no area {district!r}", param_hint="--district")
                district_id = area.id
            updated = refresh_all(session, date.today(), district_id=district_id)
        click.echo(f"facts counted for {updated} households")

    @app.cli.group()
    def programmes() -> None:
        """Programmes and their eligibility rules."""

    @programmes.command("refresh")
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def programmes_refresh(wait: bool) -> None:
        """Count every programme's eligible households per district under its active rule again (the
        dashboard's programme counts), set-based, as a background job."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "programmes.refresh_counts")
        job = report(job, wait=wait)
        if job.state == "done":
            click.echo(f"programme counts: {job.result['rows']} rows")

    @app.cli.group()
    def score() -> None:
        """Scores: the versions of the model and re-scoring every verified household."""

    @score.command("rescore")
    @click.option("--model", "version", required=True, help="The version to score with (it must be active).")
    @click.option("--batch-size", default=20_000, show_default=True, type=click.IntRange(100, 1_000_000))
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def score_rescore(version: str, batch_size: int, wait: bool) -> None:
        """Re-score every verified household under VERSION, set-based in batches, as a background job (inline
        without REDIS_URL, else on a worker: follow it with `flask jobs watch ID` or on /admin/jobs). Earlier
        scores are kept in each household's history."""
        from .jobs import enqueue
        from .jobs.cli import report
        from .services.scoring import model_named

        with unit_of_work(db.session) as session:
            row = model_named(session, version)
            if row is None:
                raise click.BadParameter(f"no version {version!r}", param_hint="--model")
            if not row.active:
                raise click.BadParameter(f"version {version!r} is not active: activate it on /admin/models first",
                                         param_hint="--model")
            job = enqueue(session, "scoring.rescore", model_id=row.id, batch=batch_size)
        job = report(job, wait=wait)
        if job.state == "done":
            click.echo(f"households scored: {job.result['scored']} (job #{job.id})")

    @score.command("list")
    def score_list() -> None:
        """The versions of the scoring model, the active one marked with *."""
        from .services.scoring import all_models, households_by_model

        counts = households_by_model(db.session)
        for row in all_models(db.session):
            click.echo(f"{'*' if row.active else ' '} {row.version:<30} from {row.effective_from}  "
                       f"{counts.get(row.id, 0)} households{'  (illustrative)' if row.illustrative else ''}")

    @app.cli.command("clean-up")
    @click.option("--replay-days", default=7, show_default=True, type=click.IntRange(1, 365))
    @click.option("--wait", is_flag=True, help="With a worker: show progress until the job ends.")
    def clean_up_command(replay_days: int, wait: bool) -> None:
        """Delete old replay keys, used or expired one-time codes (and their text in the SMS outbox), long-closed
        sessions and finished jobs; mask the numbers of messages older than SMS_RETENTION_DAYS (run daily).
        Runs as a background job: inline without REDIS_URL, else on a worker."""
        from .jobs import enqueue
        from .jobs.cli import report

        with unit_of_work(db.session) as session:
            job = enqueue(session, "housekeeping.clean_up", replay_days=replay_days)
        job = report(job, wait=wait)
        if job.state == "done":
            for what, count in job.result.items():
                click.echo(f"{what}: {count}" + ("" if what.endswith("masked") else " removed"))

    @app.cli.group()
    def translate() -> None:
        """Translation commands: extract, update, compile (pybabel)."""

    def pybabel(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT)
        if result.returncode:
            raise click.ClickException(f"pybabel {args[0]} failed")

    @translate.command()
    def extract() -> None:
        """Extract messages to translations/messages.pot (`N_` marks the question catalogue's labels)."""
        pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "--no-location", "--sort-output",
                "-o", "translations/messages.pot", "app", "templates")

    @translate.command()
    def update() -> None:
        """Extract, then merge new messages into every language's .po file."""
        extract.callback()
        pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete")

    @translate.command(name="compile")
    def compile_() -> None:
        """Compile .po files to the .mo files the portal reads."""
        pybabel("compile", "-d", "translations", "--statistics")
