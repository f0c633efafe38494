"""Bulk loading against raw COPY, side by side, on a fresh PostgreSQL database.

    .venv/bin/python bench/bulk_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench \
        --households 100000

The database named is EMPTIED (its public schema is dropped), migrated and seeded with the areas. Then, for each
source (`csv`: the import of a file by `flask import households`; `demo`: `flask seed-demo`'s rows):

1. the portal's loader loads N households with their members, history, revisions and accounts, timed from
   reading the rows (parsing the file, or generating the demo rows) to the last commit;
2. every row the loader wrote is copied out (COPY TO, untimed), the tables are emptied, and the same rows are
   written back by a raw COPY FROM into the same tables with the same indexes, timed to the commit;
3. both rates (households a second) and their ratio are printed. The target: the loader at ≥ 20% of raw COPY.

The CSV file is generated from the demo rows before the timing starts, so both sources load the same families.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The tables the loader writes, parents first (the order a raw COPY must follow for the foreign keys).
TABLES = ("households", "users", "household_members", "household_status_changes", "household_revisions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL database that may be emptied (postgresql+psycopg://…)")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--source", choices=("csv", "demo", "both"), default="both")
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgresql"):
        parser.error("--database-url (or BENCH_DATABASE_URL) must name a PostgreSQL database that may be emptied")

    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-" + "x" * 40,
                      "RATELIMIT_STORAGE_URI": "memory://", "SMS_BACKEND": "console"})
    results = []
    with app.app_context(), tempfile.TemporaryDirectory(prefix="pser-bulk-bench-") as tmp:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        from app.services.areas import load_areas

        upgrade()
        load_areas(db.session)
        db.session.commit()
        csv_path = Path(tmp) / "households.csv"
        if args.source in ("csv", "both"):
            started = time.perf_counter()
            _write_demo_csv(db.session, csv_path, args.households)
            print(f"wrote {csv_path.stat().st_size / 2**20:.0f} MiB of CSV in {time.perf_counter() - started:.1f} s "
                  "(not timed)", flush=True)
        for source in (("csv", "demo") if args.source == "both" else (args.source,)):
            _empty(db.session)
            loader_seconds, report = _time_loader(db.session, source, csv_path, args.households, args.batch_size)
            assert report.households == args.households and not report.rejected, report.rejected[:5]
            rows = _row_counts(db.session)
            copy_seconds = _time_raw_copy(db.session, Path(tmp))
            assert _row_counts(db.session) == rows
            results.append((source, rows, loader_seconds, copy_seconds))
    n = args.households
    print(f"\n{n} households; rows written per table (loader and raw COPY alike):")
    for source, rows, loader_seconds, copy_seconds in results:
        print(f"  {source}: " + ", ".join(f"{table} {count}" for table, count in rows.items()))
    print(f"\n| source | loader | raw COPY | loader / raw COPY |\n|---|---|---|---|")
    for source, rows, loader_seconds, copy_seconds in results:
        print(f"| {source} | {n / loader_seconds:,.0f} households/s ({loader_seconds:.1f} s) | "
              f"{n / copy_seconds:,.0f} households/s ({copy_seconds:.1f} s) | {copy_seconds / loader_seconds:.0%} |")
    return 0 if all(copy / loader >= 0.20 for _, _, loader, copy in results) else 1


def _write_demo_csv(session, path: Path, count: int) -> None:
    from datetime import date

    from sqlalchemy import select

    from app.models import Area
    from app.services.demo import demo_household_row, demo_places
    from app.services.household_csv import write_households

    places = demo_places(session)
    codes = dict(session.execute(select(Area.id, Area.code)).all())
    today = date.today()
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_households(handle, (demo_household_row(n, places, today) for n in range(1, count + 1)), codes)


def _time_loader(session, source: str, csv_path: Path, count: int, batch_size: int):
    from app.models.base import utcnow
    from app.services.bulk_load import load_households
    from app.services.demo import seed_demo_households
    from app.services.household_csv import area_codes, read_households

    now = utcnow()

    def commit(report, rows_in_batch):
        session.commit()

    started = time.perf_counter()
    if source == "csv":
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            rows = read_households(handle, area_codes(session), source=csv_path.name, today=now.date())
            report = load_households(session, rows, now=now, batch_size=batch_size, on_batch=commit)
    else:
        report = seed_demo_households(session, range(1, count + 1), now=now, password_hash="bench-shared-hash",
                                      batch_size=batch_size, on_batch=commit)
    session.commit()
    seconds = time.perf_counter() - started
    print(f"{source}: loader {seconds:.1f} s", flush=True)
    return seconds, report


def _row_counts(session) -> dict[str, int]:
    from sqlalchemy import text

    return {table: session.scalar(text(f"SELECT count(*) FROM {table}")) for table in TABLES}


def _empty(session) -> None:
    from sqlalchemy import text

    session.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    session.commit()
    _vacuum(session)


def _vacuum(session) -> None:
    engine = session.get_bind()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        from sqlalchemy import text

        conn.execute(text(f"VACUUM ANALYZE {', '.join(TABLES)}"))


def _time_raw_copy(session, tmp: Path) -> float:
    """Copy out what the loader wrote (untimed), empty the tables, COPY it back in (timed, with the commit)."""
    driver = session.connection().connection.driver_connection
    for table in TABLES:
        with (tmp / f"{table}.copy").open("wb") as out, driver.cursor() as cursor:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    out.write(data)
    session.commit()
    _empty(session)
    driver = session.connection().connection.driver_connection
    started = time.perf_counter()
    for table in TABLES:
        with (tmp / f"{table}.copy").open("rb") as source, driver.cursor() as cursor:
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                while data := source.read(1 << 20):
                    copy.write(data)
    session.commit()
    seconds = time.perf_counter() - started
    print(f"raw COPY {seconds:.1f} s", flush=True)
    return seconds


if __name__ == "__main__":
    sys.exit(main())
