"""Point-in-time recovery as deploy/BACKUPS.md tells it (recipe B): a throwaway server archives its WAL with the
documented archive_command, a base backup is taken with pg_basebackup and checked with pg_verifybackup; after
a wrong DELETE the data directory is replaced by the base backup, recovery_target_time set to just before
the DELETE, and the households it removed are back. Starts PostgreSQL servers, so only with
`make test-replica` (PSER_TEST_REPLICA=1), as CI runs it."""
from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.scale.test_read_replica import HOST, PG_BINDIR, Cluster, _free_port

pytestmark = pytest.mark.replica


@pytest.fixture
def cluster_dir():
    if os.environ.get("PSER_TEST_REPLICA") != "1":
        pytest.skip("starts a PostgreSQL server: run with `make test-replica`")
    if not (PG_BINDIR / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BINDIR} (set PG_BINDIR)")
    tmp = Path(tempfile.mkdtemp(prefix="pser-pitr-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(tmp, postgres.pw_uid, postgres.pw_gid)
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def test_a_wrong_delete_is_undone_by_replaying_the_wal_archive_to_the_moment_before(cluster_dir):
    tmp, port = cluster_dir, _free_port()
    cluster = Cluster(tmp)
    data, wal, base = tmp / "main", tmp / "wal", tmp / "base-day1"
    cluster.run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    wal.mkdir()
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(wal, postgres.pw_uid, postgres.pw_gid)
    with open(data / "postgresql.auto.conf", "a") as conf:  # the settings of deploy/BACKUPS.md, recipe B
        conf.write(f"wal_level = replica\narchive_mode = on\narchive_timeout = 60\n"
                   f"archive_command = 'test ! -f {wal}/%f && cp %p {wal}/%f'\n")
    cluster.run("pg_ctl", "-D", str(data), "-l", str(tmp / "main.log"), "-w", "-t", "60", "-o",
                f"-p {port} -k {tmp} -c listen_addresses={HOST}", "start")
    url = f"postgresql+psycopg://postgres@{HOST}:{port}/postgres"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("CREATE TABLE households (id int PRIMARY KEY, status text)"))
            connection.execute(text("INSERT INTO households SELECT g, 'verified' FROM generate_series(1, 1000) g"))
        cluster.run("pg_basebackup", "-h", HOST, "-p", str(port), "-U", "postgres", "-D", str(base), "-Fp",
                    "-Xstream", "--checkpoint=fast", "--no-sync")
        cluster.run("pg_verifybackup", str(base))
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO households SELECT g, 'submitted' FROM generate_series(1001, 1500) g"))
            time.sleep(1.1)
            target = connection.scalar(text("SELECT now()::text"))  # the moment to go back to
            time.sleep(1.1)
            connection.execute(text("DELETE FROM households WHERE id > 10"))  # the mistake
            # Ship the segment holding the DELETE to the archive, and wait until it is there.
            segment = connection.scalar(text("SELECT pg_walfile_name(pg_switch_wal())"))
            deadline = time.monotonic() + 30
            while not (wal / segment).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert (wal / segment).exists(), "the archive_command did not archive the segment"
            assert connection.scalar(text("SELECT count(*) FROM households")) == 10
    finally:
        engine.dispose()
    cluster.run("pg_ctl", "-D", str(data), "-w", "stop")

    # The runbook: set the damaged directory aside, copy the base backup in, recovery settings, signal file.
    shutil.move(str(data), str(tmp / "main.damaged"))
    shutil.copytree(base, data, symlinks=True)
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(f"restore_command = 'cp {wal}/%f %p'\nrecovery_target_time = '{target}'\n"
                   "recovery_target_action = 'promote'\n")
    (data / "recovery.signal").touch()
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        for path in [data, *data.rglob("*")]:
            os.lchown(path, postgres.pw_uid, postgres.pw_gid)
        os.chmod(data, 0o700)
    cluster.run("pg_ctl", "-D", str(data), "-l", str(tmp / "recovered.log"), "-w", "-t", "120", "-o",
                f"-p {port} -k {tmp} -c listen_addresses={HOST}", "start")
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 60
        with engine.connect() as connection:
            while connection.scalar(text("SELECT pg_is_in_recovery()")) and time.monotonic() < deadline:
                time.sleep(0.2)
                connection.rollback()
            counts = dict(connection.execute(text("SELECT status, count(*) FROM households GROUP BY status")).all())
        assert counts == {"verified": 1000, "submitted": 500}  # everything up to the target, nothing after
        assert not (data / "recovery.signal").exists()  # promoted: open for writes again
        assert "recovery stopping before commit" in (tmp / "recovered.log").read_text()
    finally:
        engine.dispose()
        cluster.stop("main")
