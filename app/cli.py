"""Operator commands: seed, seed-demo, create-user, escalate, clean-up, and `translate` around pybabel.
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
        """Load reference data (the areas of Punjab). Safe to run any number of times."""
        from .services.areas import load_areas

        with unit_of_work(db.session) as session:
            added, updated = load_areas(session)
        click.echo(f"areas: {added} added, {updated} updated")

    @app.cli.command("seed-demo")
    @click.option("--households", default=50, show_default=True, type=click.IntRange(0, 1_000_000))
    def seed_demo(households: int) -> None:
        """Demo accounts (one per role) and households in every state."""
        from .services.areas import load_areas
        from .services.demo import (
            DEMO_ACCOUNTS,
            DEMO_PASSWORD,
            ensure_demo_accounts,
            seed_demo_complaints,
            seed_demo_households,
        )

        with unit_of_work(db.session) as session:
            load_areas(session)
            ensure_demo_accounts(session, service_context())
            made = seed_demo_households(session, households)
            complaints = seed_demo_complaints(session, max(households // 5, 6) if households else 0)
        click.echo(f"households: {made} added")
        click.echo(f"complaints: {complaints} added")
        for role, cnic, name, area in DEMO_ACCOUNTS:
            click.echo(f"  {role:<10} {cnic}  {DEMO_PASSWORD}  {name}{'  (' + area + ')' if area else ''}")

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
    def escalate_command() -> None:
        """Escalate complaints past their deadline to a supervisor of the district (or an admin), and close
        resolved ones whose 7 days for reopening have passed. Safe to run repeatedly (e.g. every 15 minutes)."""
        from .services.complaints import escalate_overdue

        with unit_of_work(db.session) as session:
            escalated, closed = escalate_overdue(session, service_context())
        click.echo(f"escalated: {escalated}, closed: {closed}")

    @app.cli.group()
    def summaries() -> None:
        """The summary counts that home pages and dashboards read."""

    @summaries.command("rebuild")
    def summaries_rebuild() -> None:
        """Count households, users and complaints again from the tables, set-based (after a bulk load, or to
        repair counts that a bulk statement bypassed)."""
        from .services.summaries import rebuild_summaries

        with unit_of_work(db.session) as session:
            rebuild_summaries(session)
        click.echo("summaries rebuilt")

    @app.cli.command("clean-up")
    @click.option("--replay-days", default=7, show_default=True, type=click.IntRange(1, 365))
    def clean_up_command(replay_days: int) -> None:
        """Delete old replay keys, expired one-time codes and long-closed sessions (run daily)."""
        from .services.housekeeping import clean_up

        with unit_of_work(db.session) as session:
            removed = clean_up(session, now=service_context().now(), replay_days=replay_days)
        for what, count in removed.items():
            click.echo(f"{what}: {count} removed")

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
