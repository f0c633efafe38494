"""Dashboards read from a real streaming replica when DATABASE_READ_URL is set: a throwaway primary made
with initdb, a replica cloned from it with pg_basebackup -R, both on spare ports in a temporary directory.
With the replica's replay paused, a write on the primary is missing from the admin home until replay
resumes: the page's figures come from the replica, while signing in still reads and writes the primary.

Slow-ish (about 10 s) and needs the PostgreSQL server binaries, so it runs only when asked:
`make test-replica` (PSER_TEST_REPLICA=1; PG_BINDIR defaults to /usr/lib/postgresql/15/bin)."""
from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.replica

PG_BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Cluster:
    """Runs PostgreSQL's own tools as the `postgres` user when we are root (PostgreSQL refuses root)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.as_postgres, str(PG_BINDIR / tool), *args], capture_output=True, text=True,
                              timeout=120)
        if done.returncode:
            logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in self.tmp.glob("*.log"))
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{logs}")

    def start(self, name: str, port: int) -> None:
        # Every statement logged with the client's application_name: the log shows who read what where.
        options = (f"-p {port} -k {self.tmp} -c listen_addresses={HOST} -c fsync=off -c hot_standby=on "
                   "-c log_statement=all -c log_line_prefix=[%a]")
        self.run("pg_ctl", "-D", str(self.tmp / name), "-l", str(self.tmp / f"{name}.log"), "-o", options,
                 "-w", "-t", "60", "start")

    def stop(self, name: str) -> None:
        if (self.tmp / name / "postmaster.pid").exists():
            subprocess.run([*self.as_postgres, str(PG_BINDIR / "pg_ctl"), "-D", str(self.tmp / name), "-m",
                            "immediate", "-w", "stop"], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def replica_urls():
    """(primary URL, replica URL) of a fresh primary and its streaming replica, removed afterwards."""
    if os.environ.get("PSER_TEST_REPLICA") != "1":
        pytest.skip("starts two PostgreSQL servers: run with `make test-replica`")
    if not (PG_BINDIR / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BINDIR} (set PG_BINDIR)")
    if os.geteuid() == 0:
        try:
            postgres = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run PostgreSQL as")
    tmp = Path(tempfile.mkdtemp(prefix="pser-replica-"))
    if os.geteuid() == 0:
        os.chown(tmp, postgres.pw_uid, postgres.pw_gid)
    cluster = Cluster(tmp)
    primary_port, replica_port = _free_port(), _free_port()
    try:
        cluster.run("initdb", "-D", str(tmp / "primary"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-sync")
        cluster.start("primary", primary_port)
        cluster.run("createdb", "-h", HOST, "-p", str(primary_port), "-U", "postgres", "pser")
        cluster.run("pg_basebackup", "-h", HOST, "-p", str(primary_port), "-U", "postgres",
                    "-D", str(tmp / "replica"), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        cluster.start("replica", replica_port)
        yield (f"postgresql+psycopg://postgres@{HOST}:{primary_port}/pser",
               f"postgresql+psycopg://postgres@{HOST}:{replica_port}/pser", tmp)
    finally:
        cluster.stop("replica")
        cluster.stop("primary")
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_for_replay(primary, replica, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with primary.connect() as conn:
        target = conn.scalar(text("SELECT pg_current_wal_lsn()"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with replica.connect() as conn:
            if conn.scalar(text("SELECT pg_last_wal_replay_lsn() >= CAST(:t AS pg_lsn)"), {"t": target}):
                return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


@pytest.fixture(scope="module")
def replicated_app(replica_urls):
    """The portal with DATABASE_READ_URL on the replica, migrated and seeded on the primary."""
    from flask_migrate import upgrade

    from app import create_app
    from app.database import dispose_read_engine
    from app.extensions import db
    from app.services.areas import load_areas

    primary_url, replica_url, _ = replica_urls
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": primary_url, "DATABASE_READ_URL": replica_url,
                      "FAST_PASSWORD_HASH": True, "SECRET_KEY": "replica-test-secret-key-0123456789abcdef",
                      "RATELIMIT_STORAGE_URI": "memory://", "SMS_BACKEND": "console"})
    from app.unit_of_work import unit_of_work

    with app.app_context():
        upgrade()
        with unit_of_work(db.session) as session:
            load_areas(session)
        db.session.remove()
    primary, replica = create_engine(primary_url), create_engine(replica_url)
    _wait_for_replay(primary, replica)
    yield app, primary, replica
    primary.dispose()
    replica.dispose()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    dispose_read_engine(app)


def _add_users(app, role: str, *cnics: str) -> None:
    """Accounts written on the primary, in one transaction."""
    from app.extensions import db
    from app.services.users import create_user
    from app.unit_of_work import service_context, unit_of_work
    from tests.conftest import PASSWORD

    with app.app_context():
        with unit_of_work(db.session) as session:
            for cnic in cnics:
                create_user(session, service_context(), role=role, cnic=cnic, name="Test Person", password=PASSWORD,
                            check_password_strength=False)
        db.session.remove()


def _citizens_on_admin_home(client) -> int:
    page = client.get("/admin/").get_data(as_text=True)
    return int(re.search(r'<th scope="row">Citizens</th><td>([\d,]+)</td>', page).group(1).replace(",", ""))


def test_admin_home_counts_come_from_the_replica_and_lag_with_it(replicated_app):
    from tests.conftest import PASSWORD, Browserish

    app, primary, replica = replicated_app
    _add_users(app, "admin", "35202-5555555-7")
    _wait_for_replay(primary, replica)
    client = Browserish(app.test_client())
    client.get("/lang/en")
    client.get("/login")
    assert client.post("/login", data={"cnic": "35202-5555555-7", "password": PASSWORD}).status_code == 302
    assert _citizens_on_admin_home(client) == 0

    with replica.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        _add_users(app, "citizen", *(f"35202-000000{n}-2" for n in range(3)))
        # Signing in and the session check use the primary, so the admin still gets in; the figures do not
        # move while the replica is paused, although the primary already has the three citizens.
        with primary.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM users WHERE role = 'citizen'")) == 3
        assert _citizens_on_admin_home(client) == 0
    finally:
        with replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
    _wait_for_replay(primary, replica)
    assert _citizens_on_admin_home(client) == 3

    with replica.connect() as conn:
        readers = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pser-read'"))
    with primary.connect() as conn:
        on_primary = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pser-read'"))
    assert readers >= 1 and on_primary == 0


def _statements_reading(tables: str, log: Path) -> list[str]:
    """The SELECTs from tables whose name starts with `tables` in a server's statement log (plain or with
    parameters), each as its client's [application_name]."""
    entries = re.split(r"\n(?=\[)", log.read_text(errors="replace"))  # a statement's next lines start with a tab
    return [entry[:entry.index("]") + 1] for entry in entries
            if re.search(r"(statement|execute [^:]*): SELECT", entry) and re.search(rf"\bFROM {tables}\w*", entry)]


def test_helpdesk_dashboard_reads_the_replica(replicated_app, replica_urls):
    from tests.conftest import PASSWORD, Browserish

    app, primary, replica = replicated_app
    _add_users(app, "helpdesk", "35202-4444444-6")
    client = Browserish(app.test_client())
    client.get("/login")
    assert client.post("/login", data={"cnic": "35202-4444444-6", "password": PASSWORD}).status_code == 302
    tmp = replica_urls[2]
    primary_log, replica_log = tmp / "primary.log", tmp / "replica.log"
    assert client.get("/helpdesk/dashboard").status_code == 200
    # The complaint figures (summary tables, and the open-complaints index for today's part) on the replica:
    assert "[pser-read]" in _statements_reading("complaint", replica_log)
    assert _statements_reading("complaint", primary_log) == []


def test_read_session_on_the_replica_cannot_write(replicated_app):
    from app.database import read_session

    app, _, _ = replicated_app
    with app.test_request_context():
        with pytest.raises(DBAPIError, match="read-only transaction"):
            read_session().execute(text("CREATE TABLE written_on_a_replica (id int)"))
