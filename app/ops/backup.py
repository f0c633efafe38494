"""Encrypted backups and their restore: `pg_dump --format=custom` (or SQLite's online backup) streamed
through `age` into BACKUP_DIR, beside a manifest (checksums, size, row counts per table, Alembic revision)
that a restore checks before and after. No Flask here: the CLI (app.ops.backup_cli) and the restore drill
(tests/ops) call these functions with plain settings.

Why age: the registry holds CNICs, income and health, and a backup host is a likely place to lose them.
age encrypts to a public key (X25519), so the machine that takes backups cannot read them: only the
private key, kept offline, restores. Its format authenticates every 64 KiB chunk and the end of the
stream (ChaCha20-Poly1305, STREAM), so a changed or cut file is refused, not half-restored; and it streams,
so a dump of any size never touches the disk unencrypted. Debian ships it (`apt-get install age`)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

CHUNK = 1 << 20
MANIFEST_VERSION = 1
_STEM = re.compile(r"^pser-(\d{8}T\d{6}Z)$")


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class BackupSettings:
    directory: Path
    recipient: str = ""  # age public keys (age1…, ssh-ed25519 …), separated by commas, or a recipients file
    identity_file: str = ""  # the private key, needed only to restore
    keep_daily: int = 7
    keep_weekly: int = 8
    pg_bin_dir: str = ""
    age: str = "age"

    @classmethod
    def from_config(cls, config) -> BackupSettings:
        return cls(directory=Path(config["BACKUP_DIR"]), recipient=config.get("BACKUP_RECIPIENT", ""),
                   identity_file=config.get("BACKUP_IDENTITY_FILE", ""),
                   keep_daily=int(config.get("BACKUP_KEEP_DAILY", 7)),
                   keep_weekly=int(config.get("BACKUP_KEEP_WEEKLY", 8)),
                   pg_bin_dir=config.get("PG_BIN_DIR", ""))


@dataclass
class Backup:
    """One backup on disk: the encrypted file and what its manifest says."""

    path: Path
    manifest_path: Path
    manifest: dict = field(default_factory=dict)

    @property
    def taken_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["taken_at"])


# --- helpers ---------------------------------------------------------------------------------------------

def _age_binary(settings: BackupSettings) -> str:
    found = shutil.which(settings.age)
    if not found:
        raise BackupError("the `age` program is missing: install it (Debian: apt-get install age)")
    return found


def _recipient_args(settings: BackupSettings) -> list[str]:
    value = settings.recipient.strip()
    if not value:
        raise BackupError("BACKUP_RECIPIENT is not set: give the age public key (age1…) that backups are "
                          "encrypted to, or the path of a file of such keys (see deploy/BACKUPS.md)")
    if os.path.isfile(value):
        return ["-R", value]
    keys = [k for k in re.split(r"[,\s]+", value) if k]
    if not all(k.startswith("age1") for k in keys):
        raise BackupError("BACKUP_RECIPIENT must be age public keys (age1…) or the path of a recipients file")
    args: list[str] = []
    for key in keys:
        args += ["-r", key]
    return args


def _identity_args(settings: BackupSettings) -> list[str]:
    if not settings.identity_file:
        raise BackupError("BACKUP_IDENTITY_FILE is not set: a restore needs the private key file (age-keygen)")
    if not os.path.isfile(settings.identity_file):
        raise BackupError(f"BACKUP_IDENTITY_FILE {settings.identity_file!r} does not exist")
    return ["-i", settings.identity_file]


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _first_line(data: bytes) -> str:
    """The line of a tool's error output that says what went wrong."""
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[0]


def _close(*processes) -> None:
    for process in processes:
        if process is None:
            continue
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def _pump(source, sink, digest, counter: list[int], close_sink: bool = True) -> None:
    try:
        while block := source.read(CHUNK):
            digest.update(block)
            counter[0] += len(block)
            sink.write(block)
    except BrokenPipeError:
        pass
    finally:
        if close_sink:
            try:
                sink.close()
            except BrokenPipeError:
                pass


def _encrypt_stream(settings: BackupSettings, source_argv: list[str] | None, source_path: Path | None,
                    out_path: Path, env: dict | None = None) -> dict:
    """Run `source_argv` (or read `source_path`) through age into `out_path`; the plain stream's and the
    encrypted file's sha256 and sizes."""
    age = subprocess.Popen([_age_binary(settings), "--encrypt", *_recipient_args(settings)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    producer = None
    if source_argv:
        producer = subprocess.Popen(source_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        source = producer.stdout
    else:
        source = source_path.open("rb")
    plain_digest, plain_size = hashlib.sha256(), [0]
    feeder = threading.Thread(target=_pump, args=(source, age.stdin, plain_digest, plain_size), daemon=True)
    feeder.start()
    sealed_digest, sealed_size = hashlib.sha256(), [0]
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        _pump(age.stdout, out, sealed_digest, sealed_size, close_sink=False)
        out.flush()
        os.fsync(out.fileno())
    feeder.join()
    age_err = age.stderr.read()
    age.wait()
    producer_err = b""
    if producer is not None:
        producer_err = producer.stderr.read()
        producer.wait()
    else:
        source.close()
    _close(age, producer)
    if producer is not None and producer.returncode:
        raise BackupError(f"{Path(source_argv[0]).name} failed: {_first_line(producer_err)}")
    if age.returncode:
        raise BackupError(f"age could not encrypt: {_first_line(age_err)}")
    return {"sha256": sealed_digest.hexdigest(), "size": sealed_size[0],
            "dump_sha256": plain_digest.hexdigest(), "dump_size": plain_size[0]}


# --- PostgreSQL ------------------------------------------------------------------------------------------

def libpq_env(url: URL) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore: keywords on the command line, the password in the
    environment (never in the process list)."""
    env = dict(os.environ)
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    for key, value in (url.query or {}).items():
        if key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name"):
            env[f"PG{key.upper().replace('_', '')}" if key != "application_name" else "PGAPPNAME"] = str(value)
    return args, env


def postgres_tool(name: str, server_version_num: int, pg_bin_dir: str = "") -> str:
    """pg_dump/pg_restore of the server's major version (Debian keeps each under /usr/lib/postgresql/N/bin);
    an older pg_dump refuses a newer server."""
    major = server_version_num // 10000
    candidates = [Path(pg_bin_dir) / name] if pg_bin_dir else []
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} not found: install postgresql-client-{major} or set PG_BIN_DIR")


def _engine(url: str):
    return create_engine(url, hide_parameters=True)


def table_names(connection) -> list[str]:
    if connection.dialect.name == "postgresql":
        return list(connection.scalars(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")))
    return list(connection.scalars(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")))


def row_counts(connection) -> dict[str, int]:
    return {name: connection.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in table_names(connection)}


def _alembic_revision(connection, tables: Iterable[str]) -> str | None:
    if "alembic_version" not in tables:
        return None
    return ",".join(sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))))


def _stem(now: datetime) -> str:
    return "pser-" + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _write_manifest(path: Path, manifest: dict) -> None:
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(partial, 0o600)
    partial.replace(path)


def create_backup(database_url: str, settings: BackupSettings, *, now: datetime | None = None) -> Backup:
    """Take one encrypted backup of `database_url` into settings.directory and return it."""
    now = now or datetime.now(UTC)
    settings.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _recipient_args(settings)  # refuse before any work when the key is missing
    _age_binary(settings)
    stem = _stem(now)
    path, manifest_path = settings.directory / f"{stem}.age", settings.directory / f"{stem}.json"
    if path.exists():
        raise BackupError(f"{path.name} exists already: wait a second and try again")
    url = make_url(database_url)
    partial = path.with_name(path.name + ".partial")
    try:
        if url.get_backend_name() == "postgresql":
            details = _dump_postgres(url, settings, partial)
        elif url.get_backend_name() == "sqlite":
            details = _dump_sqlite(url, settings, partial)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    manifest = {"manifest_version": MANIFEST_VERSION, "file": path.name, "taken_at": now.isoformat(),
                "encryption": "age", **details}
    _write_manifest(manifest_path, manifest)
    return Backup(path, manifest_path, manifest)


def _dump_postgres(url: URL, settings: BackupSettings, out_path: Path) -> dict:
    engine = _engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            # One snapshot for the counts and the dump: the manifest describes exactly what was dumped.
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            version_num = int(connection.scalar(text("SHOW server_version_num")))
            counts = row_counts(connection)
            revision = _alembic_revision(connection, counts)
            pg_dump = postgres_tool("pg_dump", version_num, settings.pg_bin_dir)
            args, env = libpq_env(url)
            argv = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", *args,
                    "--dbname", url.database]
            sealed = _encrypt_stream(settings, argv, None, out_path, env=env)
            connection.rollback()  # read only: the snapshot was needed only while pg_dump ran
    finally:
        engine.dispose()
    return {"format": "pg_dump-custom", "server_version_num": version_num, "database": url.database,
            "alembic_revision": revision, "row_counts": counts, **sealed}


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _dump_sqlite(url: URL, settings: BackupSettings, out_path: Path) -> dict:
    source = _sqlite_path(url)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    with tempfile.TemporaryDirectory(dir=settings.directory, prefix=".sqlite-") as work:
        copy = Path(work) / "copy.sqlite3"
        # The online backup API: a consistent copy while the portal keeps writing.
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
            live.backup(target)
        target.close()
        live.close()
        engine = _engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as connection:
                counts = row_counts(connection)
                revision = _alembic_revision(connection, counts)
        finally:
            engine.dispose()
        sealed = _encrypt_stream(settings, None, copy, out_path)
    return {"format": "sqlite", "database": source.name, "alembic_revision": revision, "row_counts": counts,
            **sealed}


# --- listing and retention -------------------------------------------------------------------------------

def list_backups(settings: BackupSettings) -> list[Backup]:
    """Every complete backup in the directory (file and manifest), newest first."""
    found = []
    if not settings.directory.is_dir():
        return found
    for manifest_path in settings.directory.glob("pser-*.json"):
        if not _STEM.match(manifest_path.stem):
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        path = settings.directory / f"{manifest_path.stem}.age"
        if path.exists():
            found.append(Backup(path, manifest_path, manifest))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backups_to_keep(times: Iterable[datetime], keep_daily: int, keep_weekly: int) -> set[datetime]:
    """Grandfather-father retention: the newest backup of each of the `keep_daily` most recent days that have
    one, and the newest of each of the `keep_weekly` most recent ISO weeks that have one. The newest backup is
    always kept."""
    ordered = sorted(set(times), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    days: dict[date, datetime] = {}
    weeks: dict[tuple[int, int], datetime] = {}
    for moment in ordered:  # newest first: the first seen of a day or week is its newest
        days.setdefault(moment.date(), moment)
        weeks.setdefault(tuple(moment.isocalendar())[:2], moment)
    keep.update(list(days.values())[:max(keep_daily, 0)])
    keep.update(list(weeks.values())[:max(keep_weekly, 0)])
    return keep


def prune_backups(settings: BackupSettings, *, dry_run: bool = False) -> tuple[list[Backup], list[Backup]]:
    """Delete the backups that retention does not keep; (kept, deleted)."""
    backups = list_backups(settings)
    keep = backups_to_keep([b.taken_at for b in backups], settings.keep_daily, settings.keep_weekly)
    kept = [b for b in backups if b.taken_at in keep]
    deleted = [b for b in backups if b.taken_at not in keep]
    if not dry_run:
        for backup in deleted:
            backup.path.unlink(missing_ok=True)
            backup.manifest_path.unlink(missing_ok=True)
    return kept, deleted


def read_backup(path: str | Path) -> Backup:
    """A backup named by its .age file (or its manifest)."""
    path = Path(path)
    if path.suffix == ".json":
        path = path.with_suffix(".age")
    manifest_path = path.with_suffix(".json")
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path.name} (the manifest) is missing beside {path.name}")
    return Backup(path, manifest_path, json.loads(manifest_path.read_text(encoding="utf-8")))


def verify_file(backup: Backup) -> None:
    """The encrypted file is the one the manifest describes (size and sha256): no change, no truncation."""
    size = backup.path.stat().st_size
    if size != backup.manifest["size"]:
        raise BackupError(f"{backup.path.name} is {size} bytes, the manifest says {backup.manifest['size']}: "
                          "the file is damaged or incomplete; restore another backup")
    if _sha256_of(backup.path) != backup.manifest["sha256"]:
        raise BackupError(f"{backup.path.name} does not match its sha256 checksum: the file was changed or "
                          "damaged; restore another backup")


# --- restore ---------------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    database: str
    alembic_revision: str | None
    row_counts: dict[str, int]
    differences: dict[str, tuple[int | None, int | None]]

    @property
    def ok(self) -> bool:
        return not self.differences


def _compare(expected: dict[str, int], found: dict[str, int]) -> dict[str, tuple[int | None, int | None]]:
    return {name: (expected.get(name), found.get(name)) for name in sorted(set(expected) | set(found))
            if expected.get(name) != found.get(name)}


def restore_backup(backup: Backup, target_url: str, settings: BackupSettings) -> RestoreReport:
    """Restore `backup` into the EMPTY database at `target_url` and check every table's row count against
    the manifest. The file is checked against its manifest first, and age checks every chunk as it decrypts:
    a wrong key or a changed file stops the restore before anything is committed."""
    identity = _identity_args(settings)
    verify_file(backup)
    url = make_url(target_url)
    kind = backup.manifest.get("format")
    if kind == "pg_dump-custom" and url.get_backend_name() == "postgresql":
        _restore_postgres(backup, url, settings, identity)
    elif kind == "sqlite" and url.get_backend_name() == "sqlite":
        _restore_sqlite(backup, url, settings, identity)
    else:
        raise BackupError(f"a {kind} backup cannot be restored into a {url.get_backend_name()} database")
    engine = _engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            counts = row_counts(connection)
            revision = _alembic_revision(connection, counts)
    finally:
        engine.dispose()
    return RestoreReport(url.database or "", revision, counts, _compare(backup.manifest["row_counts"], counts))


def _decrypt_into(settings: BackupSettings, identity: list[str], backup: Backup, sink_proc=None,
                  sink_file=None) -> None:
    """Decrypt `backup` into a process's stdin or a file; refuse unless age succeeded and the plain stream
    is the one that was dumped (sha256), before the consumer is given its end of input."""
    age = subprocess.Popen([_age_binary(settings), "--decrypt", *identity, str(backup.path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    digest, size = hashlib.sha256(), [0]
    sink = sink_proc.stdin if sink_proc is not None else sink_file
    _pump(age.stdout, sink, digest, size, close_sink=False)
    age_err = age.stderr.read()
    age.wait()
    _close(age)
    problem = None
    if age.returncode:
        message = _first_line(age_err)
        if "no identity matched" in message:
            problem = ("the key in BACKUP_IDENTITY_FILE does not open this backup (it was encrypted for another "
                       f"key): {message}")
        else:
            problem = f"age could not decrypt and authenticate the backup (changed or damaged?): {message}"
    elif digest.hexdigest() != backup.manifest.get("dump_sha256", digest.hexdigest()):
        problem = "the decrypted dump does not match the manifest's dump_sha256"
    if problem:
        if sink_proc is not None:
            sink_proc.kill()  # before end of input: nothing is committed
            sink_proc.wait()
        raise BackupError(problem)


def _restore_postgres(backup: Backup, url: URL, settings: BackupSettings, identity: list[str]) -> None:
    engine = _engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            existing = table_names(connection)
            version_num = int(connection.scalar(text("SHOW server_version_num")))
    finally:
        engine.dispose()
    if existing:
        raise BackupError(f"database {url.database!r} is not empty ({len(existing)} tables): restore into a "
                          "freshly created database (createdb), then point DATABASE_URL at it")
    pg_restore = postgres_tool("pg_restore", version_num, settings.pg_bin_dir)
    args, env = libpq_env(url)
    # One transaction: a failure anywhere leaves the new database empty, never half-restored.
    restore = subprocess.Popen([pg_restore, "--no-password", "--exit-on-error", "--single-transaction",
                                "--no-owner", *args, "--dbname", url.database],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(restore.stderr.read()), daemon=True)
    reader.start()
    try:
        _decrypt_into(settings, identity, backup, sink_proc=restore)
    except BaseException:
        reader.join()
        _close(restore)
        raise
    try:
        restore.stdin.close()
    except BrokenPipeError:
        pass
    restore.wait()
    reader.join()
    _close(restore)
    if restore.returncode:
        raise BackupError(f"pg_restore failed: {_first_line(b''.join(errors))}")


def _restore_sqlite(backup: Backup, url: URL, settings: BackupSettings, identity: list[str]) -> None:
    target = _sqlite_path(url)
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} exists: restore into a new file, then point DATABASE_URL at it")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            _decrypt_into(settings, identity, backup, sink_file=out)
        with sqlite3.connect(partial) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        if result != "ok":
            raise BackupError(f"the restored SQLite file fails its integrity check: {result}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
