"""`flask backup create|list|prune|restore`: the operator's commands around app.ops.backup."""
from __future__ import annotations

import click
from flask import Flask, current_app

from .backup import BackupError, BackupSettings, create_backup, list_backups, prune_backups, read_backup, \
    restore_backup, verify_file


def _settings() -> BackupSettings:
    return BackupSettings.from_config(current_app.config)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def init_backup_cli(app: Flask) -> None:
    @app.cli.group()
    def backup() -> None:
        """Encrypted backups of the database (age), their retention and their restore (deploy/BACKUPS.md)."""

    @backup.command("create")
    @click.option("--prune/--no-prune", default=False, help="Apply retention afterwards (as the timer does).")
    def create(prune: bool) -> None:
        """Back up the database (DATABASE_URL) into BACKUP_DIR, encrypted to BACKUP_RECIPIENT."""
        settings = _settings()
        try:
            made = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], settings)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        counts = made.manifest["row_counts"]
        click.echo(f"{made.path}  {_size(made.manifest['size'])}  sha256 {made.manifest['sha256']}")
        click.echo(f"  {len(counts)} tables, {sum(counts.values())} rows, households: {counts.get('households', 0)}, "
                   f"alembic revision {made.manifest['alembic_revision']}")
        if prune:
            _prune(settings, dry_run=False)

    @backup.command("list")
    @click.option("--verify", is_flag=True, help="Also check each file against its manifest's sha256.")
    def list_command(verify: bool) -> None:
        """The backups in BACKUP_DIR, newest first."""
        backups = list_backups(_settings())
        if not backups:
            click.echo(f"no backups in {_settings().directory}")
        damaged = 0
        for item in backups:
            state = ""
            if verify:
                try:
                    verify_file(item)
                    state = "  checksum ok"
                except BackupError as error:
                    state = f"  DAMAGED: {error}"
                    damaged += 1
            counts = item.manifest.get("row_counts", {})
            click.echo(f"{item.path.name}  {item.manifest['taken_at']}  {_size(item.manifest['size'])}  "
                       f"{item.manifest.get('format')}  households: {counts.get('households', 0)}  "
                       f"revision {item.manifest.get('alembic_revision')}{state}")
        if damaged:
            raise SystemExit(1)

    def _prune(settings: BackupSettings, dry_run: bool) -> None:
        kept, deleted = prune_backups(settings, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for item in deleted:
            click.echo(f"{verb} {item.path.name}")
        click.echo(f"kept {len(kept)} (daily {settings.keep_daily}, weekly {settings.keep_weekly}), "
                   f"{verb} {len(deleted)}")

    @backup.command("prune")
    @click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
    def prune(dry_run: bool) -> None:
        """Keep the newest backup of each of the last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY weeks."""
        _prune(_settings(), dry_run)

    @backup.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--into", "target", default=None,
                  help="The EMPTY database to restore into (a SQLAlchemy URL); default DATABASE_URL.")
    def restore(file: str, target: str | None) -> None:
        """Restore FILE (a .age backup with its .json manifest beside it) into a freshly created database,
        with the private key in BACKUP_IDENTITY_FILE; then compare every table's row count with the manifest."""
        settings = _settings()
        target = target or current_app.config["SQLALCHEMY_DATABASE_URI"]
        try:
            item = read_backup(file)
            report = restore_backup(item, target, settings)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"restored {item.path.name} into {report.database}: {len(report.row_counts)} tables, "
                   f"{sum(report.row_counts.values())} rows, alembic revision {report.alembic_revision}")
        if not report.ok:
            for name, (expected, found) in report.differences.items():
                click.echo(f"  {name}: manifest {expected}, restored {found}", err=True)
            raise click.ClickException("row counts differ from the manifest")
        click.echo("every table's row count matches the manifest")
