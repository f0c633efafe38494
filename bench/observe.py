"""Operations at 1 million households: how long `flask backup create` (pg_dump | age) and the restore into a
fresh database take, how large the file is, and what a /metrics scrape and /readyz cost on that database.

    .venv/bin/python bench/observe.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_observe

The database is read, never written; the restore goes into DATABASE_restored (created empty, dropped at the
end). Needs `age` and `age-keygen`. Prints a markdown table."""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402


def _admin(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scrapes", type=int, default=20)
    args = parser.parse_args()

    from app import create_app
    from app.ops.backup import BackupSettings, create_backup, restore_backup
    from app.ops.metrics import exposition
    from app.ops.readiness import readiness

    work = Path(tempfile.mkdtemp(prefix="pser-bench-observe-"))
    subprocess.run(["age-keygen", "-o", str(work / "key.txt")], check=True, capture_output=True)
    recipient = subprocess.run(["age-keygen", "-y", str(work / "key.txt")], check=True, capture_output=True,
                               text=True).stdout.strip()
    settings = BackupSettings(directory=work / "backups", recipient=recipient, identity_file=str(work / "key.txt"))
    rows = []

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "k" * 40,
                      "RATELIMIT_STORAGE_URI": "memory://", "METRICS_TOKEN": "t" * 32})
    with app.app_context():
        exposition(app)  # warm the pool
        times = []
        for _ in range(args.scrapes):
            started = time.perf_counter()
            exposition(app)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(("/metrics scrape (median of %d)" % args.scrapes, f"{statistics.median(times):.1f} ms", ""))
        times = []
        for _ in range(args.scrapes):
            started = time.perf_counter()
            readiness(app)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(("/readyz (median of %d)" % args.scrapes, f"{statistics.median(times):.1f} ms", ""))

    engine = create_engine(args.database_url)
    with engine.connect() as connection:
        households = connection.scalar(text("SELECT count(*) FROM households"))
        size = connection.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    engine.dispose()

    started = time.perf_counter()
    backup = create_backup(args.database_url, settings)
    backup_s = time.perf_counter() - started
    rows.append(("backup: pg_dump --format=custom → age (encrypt)", f"{backup_s:.0f} s",
                 f"{backup.manifest['size'] / 2**20:.0f} MiB encrypted, database {size}"))

    target = make_url(args.database_url).set(database=make_url(args.database_url).database + "_restored")
    admin = _admin(args.database_url)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    try:
        started = time.perf_counter()
        report = restore_backup(backup, target.render_as_string(hide_password=False), settings)
        restore_s = time.perf_counter() - started
        rows.append(("restore: age (decrypt) → pg_restore --single-transaction, then every table counted",
                     f"{restore_s:.0f} s", "row counts match" if report.ok else f"DIFFER: {report.differences}"))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        admin.dispose()
        backup.path.unlink(missing_ok=True)
        backup.manifest_path.unlink(missing_ok=True)

    print(f"\n{households:,} households\n")
    print("| what | time | notes |\n|---|---|---|")
    for what, took, notes in rows:
        print(f"| {what} | {took} | {notes} |")


if __name__ == "__main__":
    main()
