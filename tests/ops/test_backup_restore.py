"""The restore drill: a database seeded through the portal's own services and forms is backed up (encrypted
with age), DROPPED, and restored into a fresh database; every table's row count and checksum is the same,
the citizen still signs in, and a household's two revisions read as before. A wrong key and a changed file
are refused before anything is restored. On PostgreSQL when TEST_DATABASE_URL points there (CI), else on
SQLite files."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app.ops.backup import BackupError, BackupSettings, backups_to_keep, create_backup, list_backups, \
    prune_backups, read_backup, restore_backup, verify_file
from tests.conftest import PASSWORD, Browserish, outbox_codes
from tests.helpers import valid_registration

CITIZEN_CNIC, CITIZEN_MOBILE = "35202-7654321-3", "03001234567"
SETTINGS = {"TESTING": True, "FAST_PASSWORD_HASH": True, "SMS_BACKEND": "console", "REDIS_URL": "",
            "RATELIMIT_STORAGE_URI": "memory://", "SECRET_KEY": "test-secret-key-with-enough-length-0123456789"}


@pytest.fixture(scope="module")
def age_keys(tmp_path_factory):
    if not shutil.which("age") or not shutil.which("age-keygen"):
        if os.environ.get("CI"):
            pytest.fail("age is not installed: apt-get install age (.ci/run installs it)")
        pytest.skip("age is not installed (apt-get install age)")
    folder = tmp_path_factory.mktemp("keys")
    keys = {}
    for name in ("operator", "stranger"):
        identity = folder / f"{name}.txt"
        subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
        recipient = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True,
                                   text=True).stdout.strip()
        keys[name] = (str(identity), recipient)
    return keys


class Databases:
    """Scratch databases beside the suite's own: on its PostgreSQL server, or SQLite files."""

    def __init__(self, folder: Path):
        self.base = os.environ.get("TEST_DATABASE_URL", "")
        self.folder = folder
        self.suffix = uuid.uuid4().hex[:8]
        self.made: list[str] = []

    @property
    def postgres(self) -> bool:
        return self.base.startswith("postgresql")

    def _admin(self):
        return create_engine(make_url(self.base).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        if self.postgres:
            return make_url(self.base).set(database=f"pser_drill_{name}_{self.suffix}") \
                .render_as_string(hide_password=False)
        return f"sqlite:///{self.folder / f'{name}.sqlite3'}"

    def create(self, name: str) -> str:
        url = self.url(name)
        if self.postgres:
            engine = self._admin()
            with engine.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{make_url(url).database}"')
            engine.dispose()
        self.made.append(url)
        return url

    def drop(self, url: str) -> None:
        if self.postgres:
            engine = self._admin()
            with engine.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
            engine.dispose()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(make_url(url).database + suffix).unlink(missing_ok=True)

    def exists(self, url: str) -> bool:
        if self.postgres:
            engine = self._admin()
            with engine.connect() as connection:
                found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                          {"n": make_url(url).database})
            engine.dispose()
            return bool(found)
        return Path(make_url(url).database).exists()


def table_checksums(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and the md5 of its rows in primary-key order (in SQL on PostgreSQL)."""
    engine = create_engine(url)
    found = {}
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            for table in inspector.get_table_names():
                keys = inspector.get_pk_constraint(table)["constrained_columns"]
                order = ", ".join(f't."{k}"' for k in keys) or "t::text"
                if connection.dialect.name == "postgresql":
                    count, digest = connection.execute(text(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), '')) "
                        f'FROM "{table}" t')).one()
                else:
                    rows = connection.execute(text(
                        f'SELECT * FROM "{table}" t ORDER BY {order if keys else "1"}')).all()
                    count = len(rows)
                    digest = hashlib.md5("\n".join(repr(tuple(r)) for r in rows).encode()).hexdigest()
                found[table] = (count, digest)
    finally:
        engine.dispose()
    return found


def portal(url: str):
    from app import create_app

    return create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url})


def seed_through_the_portal(url: str) -> dict:
    """Reference data, demo accounts and households, complaints, a citizen who registered and verified their
    mobile through the forms, and a household with two revisions (submitted, approved, reopened, submitted)."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import HouseholdRevision
    from app.models.base import utcnow
    from app.services import questionnaire, review
    from app.services.areas import load_areas
    from app.services.credentials import hash_password
    from app.services.demo import DEMO_PASSWORD, demo_key, ensure_demo_accounts, missing_demo_numbers, \
        seed_demo_complaints, seed_demo_households
    from app.services.programmes import seed_programmes
    from app.services.scoring import ensure_illustrative_model
    from app.unit_of_work import service_context, unit_of_work
    from tests.factories import make_household

    app = portal(url)
    with app.app_context():
        upgrade()
        session, ctx = db.session, service_context()
        with unit_of_work(session):
            load_areas(session)
            seed_programmes(session, ctx)
            ensure_illustrative_model(session, ctx)
            accounts = {user.role: user for user in ensure_demo_accounts(session, ctx)}
        numbers = missing_demo_numbers(session, 12)
        seed_demo_households(session, numbers, now=utcnow(), password_hash=hash_password(DEMO_PASSWORD, fast=True),
                             on_batch=lambda _report, _rows: session.commit())
        session.commit()
        with unit_of_work(session):
            seed_demo_complaints(session, 4, now=utcnow(), first_key=demo_key(numbers.start))
        enumerator, supervisor = accounts["enumerator"], accounts["supervisor"]
        with unit_of_work(session):
            household = make_household(session, area=supervisor.area.children[0], status="draft", rooms=3,
                                       sections_saved={s: "2026-03-01" for s in ("consent", "housing", "assets", "income")},
                                       consent_given=True)
            assert questionnaire.submit(session, ctx, household, expected_version=1, actor=enumerator).ok
            assert review.approve(session, ctx, household, expected_version=household.version, actor=supervisor).ok
            assert review.reopen(session, ctx, household, expected_version=household.version, actor=supervisor,
                                 reason="A child was born").ok
            assert questionnaire.save_section(session, ctx, household, "housing", {"rooms": 2},
                                              expected_version=household.version, actor=enumerator).ok
            assert questionnaire.submit(session, ctx, household, expected_version=household.version,
                                        actor=enumerator).ok
        revisions = [(r.number, r.snapshot) for r in session.scalars(
            select(HouseholdRevision).where(HouseholdRevision.household_id == household.id)
            .order_by(HouseholdRevision.number))]
        household_id = household.id
        db.session.remove()
    browser = Browserish(app.test_client())
    browser.get("/register")
    assert browser.post("/register", data=valid_registration(cnic=CITIZEN_CNIC, mobile=CITIZEN_MOBILE)).status_code == 302
    code = outbox_codes(app, CITIZEN_MOBILE)[-1]
    assert browser.post("/verify", data={"code": code}).status_code == 302
    with app.app_context():
        db.engine.dispose()
    assert [number for number, _ in revisions] == [1, 2]
    return {"household_id": household_id, "revisions": revisions}


@pytest.fixture(scope="module")
def drill(tmp_path_factory, age_keys):
    folder = tmp_path_factory.mktemp("drill")
    databases = Databases(folder)
    source = databases.create("source")
    seeded = seed_through_the_portal(source)
    settings = BackupSettings(directory=folder / "backups", recipient=age_keys["operator"][1],
                              identity_file=age_keys["operator"][0])
    backup = create_backup(source, settings)
    before = table_checksums(source)
    yield {"databases": databases, "source": source, "settings": settings, "backup": backup, "before": before,
           **seeded}
    for url in databases.made:
        databases.drop(url)


def test_a_dropped_database_comes_back_whole_from_its_encrypted_backup(drill):
    databases, backup, before = drill["databases"], drill["backup"], drill["before"]
    manifest = json.loads(backup.manifest_path.read_text())
    assert manifest["row_counts"] == {table: count for table, (count, _) in before.items()}
    assert manifest["alembic_revision"] and manifest["sha256"] and manifest["size"] == backup.path.stat().st_size
    raw = backup.path.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1") and CITIZEN_CNIC.encode() not in raw  # encrypted at rest

    databases.drop(drill["source"])
    assert not databases.exists(drill["source"])
    fresh = databases.create("restored")
    report = restore_backup(read_backup(backup.path), fresh, drill["settings"])

    assert report.ok and report.alembic_revision == manifest["alembic_revision"]
    after = table_checksums(fresh)
    assert after == before  # every table: same rows, same values
    assert after["households"][0] > 12 and after["household_revisions"][0] >= 2 and after["users"][0] > 6

    app = portal(fresh)
    from app.extensions import db
    from app.models import HouseholdRevision

    with app.app_context():
        revisions = [(r.number, r.snapshot) for r in db.session.scalars(
            select(HouseholdRevision).where(HouseholdRevision.household_id == drill["household_id"])
            .order_by(HouseholdRevision.number))]
    assert revisions == drill["revisions"]
    browser = Browserish(app.test_client())
    browser.get("/login")
    signed_in = browser.post("/login", data={"cnic": CITIZEN_CNIC, "password": PASSWORD})
    assert signed_in.status_code == 302
    me = browser.get("/me")
    assert me.status_code == 200 and "Muhammad Ali Khan" in me.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_a_backup_does_not_open_with_another_key_and_nothing_is_restored(drill, age_keys):
    databases = drill["databases"]
    target = databases.create("wrong_key")
    stranger = BackupSettings(directory=drill["settings"].directory, identity_file=age_keys["stranger"][0])
    with pytest.raises(BackupError, match="does not open this backup"):
        restore_backup(read_backup(drill["backup"].path), target, stranger)
    assert table_checksums(target) == {}


def test_a_changed_backup_file_is_refused_by_its_checksum_and_by_age(drill, tmp_path):
    databases, backup = drill["databases"], drill["backup"]
    changed = tmp_path / backup.path.name
    data = bytearray(backup.path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, in the middle of the data
    changed.write_bytes(bytes(data))
    shutil.copy(backup.manifest_path, changed.with_suffix(".json"))
    with pytest.raises(BackupError, match="sha256"):
        verify_file(read_backup(changed))
    target = databases.create("tampered")
    with pytest.raises(BackupError, match="sha256"):
        restore_backup(read_backup(changed), target, drill["settings"])
    # Someone who can change the file can change the manifest too: age's authentication still refuses it.
    manifest = json.loads(changed.with_suffix(".json").read_text())
    manifest["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    changed.with_suffix(".json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="authenticate"):
        restore_backup(read_backup(changed), target, drill["settings"])
    assert table_checksums(target) == {}  # nothing half-restored


def test_a_restore_refuses_a_database_that_is_not_empty(drill):
    target = drill["databases"].create("busy")
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE keep_me (id integer primary key)"))
    engine.dispose()
    with pytest.raises(BackupError, match="not empty|exists"):
        restore_backup(read_backup(drill["backup"].path), target, drill["settings"])


def test_retention_keeps_the_newest_of_each_recent_day_and_week():
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    times = [start - timedelta(days=d, hours=h) for d in range(60) for h in (0, 12)]
    keep = backups_to_keep(times, keep_daily=7, keep_weekly=4)
    days = sorted({t.date() for t in keep}, reverse=True)
    assert days[:7] == [(start - timedelta(days=d)).date() for d in range(7)]  # the last 7 days
    assert all(max(t for t in times if t.date() == t2.date()) == t2 for t2 in keep)  # newest of its day
    weeks = {tuple(t.isocalendar())[:2] for t in keep}
    assert len(weeks) == 4
    # The 7 days reach back into the last ISO week (to Wednesday the 18th, whose week ends Sunday the 22nd, kept
    # as a day already); the two weeks before add their Sundays.
    assert days[7:] == [datetime(2026, 11, 15).date(), datetime(2026, 11, 8).date()] and len(keep) == 9
    assert backups_to_keep(times, keep_daily=0, keep_weekly=0) == {max(times)}  # never all


def test_the_backup_commands_create_list_and_prune(tmp_path, age_keys):
    """`flask backup create`, `list --verify`, `prune` on a SQLite database (fast), as an operator runs them."""
    from app import create_app

    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num varchar(32) primary key)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('abc')"))
    engine.dispose()
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "BACKUP_DIR": str(tmp_path / "b"),
                      "BACKUP_RECIPIENT": age_keys["operator"][1], "BACKUP_KEEP_DAILY": 2, "BACKUP_KEEP_WEEKLY": 1})
    settings = BackupSettings.from_config(app.config)
    for days_ago in (1, 2, 3):
        create_backup(url, settings, now=datetime.now(UTC) - timedelta(days=days_ago))
    runner = app.test_cli_runner()
    created = runner.invoke(args=["backup", "create"])
    assert created.exit_code == 0 and "sha256" in created.output, created.output
    listed = runner.invoke(args=["backup", "list", "--verify"])
    assert listed.exit_code == 0 and listed.output.count("checksum ok") == 4
    pruned = runner.invoke(args=["backup", "prune"])
    assert pruned.exit_code == 0 and "deleted 2" in pruned.output
    assert len(list_backups(settings)) == 2 and prune_backups(settings, dry_run=True)[1] == []
    no_key = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "BACKUP_DIR": str(tmp_path / "c"),
                         "BACKUP_RECIPIENT": ""}).test_cli_runner().invoke(args=["backup", "create"])
    assert no_key.exit_code != 0 and "BACKUP_RECIPIENT is not set" in no_key.output
