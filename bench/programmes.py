"""Programmes at scale, on PostgreSQL: simulating a draft rule against the active one (one pass over the
households), refreshing the dashboard's eligible counts, and exporting an eligible list of a million
households beside one of ten thousand, as CSV (a generator over a server-side cursor) and as XLSX
(openpyxl's write-only mode), each export in a fresh process so that its peak memory is its own.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_programmes \\
        nice .venv/bin/python bench/programmes.py [--repeat 3] [--skip-xlsx-big]

The database must be migrated, have its household facts counted (`flask facts refresh`) and its households
scored (the benchmark does not score: see /work/team/BENCH-programmes.md for the SQL used). It seeds the
programmes if they are missing (safe to run twice) and prints a markdown table."""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VERIFIED = {"fact": "status", "op": "=", "value": "verified"}
# The two lists: every verified household of Punjab, and one district's (Okara's) below a score of 60,
# about ten thousand: the list a district office asks for.
LISTS = {"1M": {"all": [VERIFIED]},
         "10k": {"all": [VERIFIED, {"fact": "district", "op": "=", "value": "DST-OKR"},
                         {"fact": "score", "op": "<=", "value": 60}]}}


def make_app():
    from app import create_app

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgresql"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (a copy of pser_bench1m)")
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": ""})


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, which: str) -> None:
    """One export in this process; prints rows, seconds and peak memory as JSON."""
    app = make_app()
    from app.extensions import db
    from app.services import programmes as service

    with app.app_context():
        session = db.session
        programme = service.programme_by_code(session, "ramzan_package")  # the widest list: name and masked CNIC
        header, query = service.eligible_query(session, programme, LISTS[which])
        before = peak_mib()
        started = time.perf_counter()
        with db.engine.connect() as connection, tempfile.TemporaryDirectory() as tmp:
            rows = service.eligible_rows(connection, header, query)
            if kind == "csv":
                told = []
                with open(Path(tmp) / "list.csv", "w", encoding="utf-8") as out:
                    for chunk in service.csv_lines(header, rows, lambda n, _done: told.append(n)):
                        out.write(chunk)
                count = told[0]
            elif kind == "xlsx":
                count = service.write_xlsx(Path(tmp) / "list.xlsx", header, rows, title="ramzan_package")
            else:  # the process alone: connected, query built, nothing read
                count = 0
            seconds = time.perf_counter() - started
            size = sum(f.stat().st_size for f in Path(tmp).iterdir())
    print(json.dumps({"rows": count, "seconds": seconds, "peak_mib": peak_mib(), "before_mib": before,
                      "bytes": size}))


def run_child(kind: str, which: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, which], capture_output=True, text=True,
                         env=os.environ, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-xlsx-big", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    app = make_app()
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import Household
    from app.services import programmes as service
    from app.unit_of_work import service_context, unit_of_work

    lines = ["| measure | figure |", "|---|---|"]
    with app.app_context():
        with unit_of_work(db.session) as session:
            service.seed_programmes(session, service_context())
        session = db.session
        households = session.scalar(select(func.count()).select_from(Household))
        verified = session.scalar(select(func.count()).select_from(Household).where(Household.status == "verified"))
        lines.append(f"| households (verified) | {households:,} ({verified:,}) |")
        ramzan = service.programme_by_code(session, "ramzan_package")
        draft = {"all": [VERIFIED, {"fact": "score", "op": "<=", "value": 40},
                         {"not": {"fact": "enrolled_in", "op": "=", "value": "widows_orphans"}}]}
        seconds, result = timed(lambda: service.simulate(session, ramzan, draft), args.repeat)
        others = len(result["others"])
        lines.append(f"| simulate a draft vs the active rule, by district and band, overlap with {others} other "
                     f"programmes (median of {args.repeat}) | {seconds * 1000:,.0f} ms |")
        lines.append(f"| … eligible under the draft / active / both | {result['eligible']:,} / {result['was']:,} / "
                     f"{result['both']:,} |")
        context = service.rule_context(session)
        clause = service.compile_rule(draft, context)
        plain, _ = timed(lambda: session.execute(select(Household.district_id, func.count()).where(clause)
                                                 .group_by(Household.district_id)).all(), args.repeat)
        lines.append(f"| beside it: the draft alone, one GROUP BY district | {plain * 1000:,.0f} ms "
                     f"(simulation = {seconds / plain:.1f}×) |")
        session.rollback()
        with unit_of_work(db.session) as session:
            refresh, rows = timed(lambda: service.refresh_counts(session, service_context()), 1)
        lines.append(f"| refresh the dashboard's counts (8 programmes × districts, set-based) | {refresh * 1000:,.0f} ms "
                     f"({rows} rows) |")
        started = time.perf_counter()
        counts = service.programme_counts(db.session)
        lines.append(f"| read the dashboard's programme counts (summary) | {(time.perf_counter() - started) * 1000:.1f} ms "
                     f"({sum(c['households'] for c in counts):,} eligible in all) |")
        db.session.execute(text("SELECT 1"))
    base = run_child("none", "10k")
    lines.append(f"| export process alone (connected, query built) | peak {base['peak_mib']:.0f} MiB |")
    for kind in ("csv", "xlsx"):
        for which in ("10k", "1M"):
            if kind == "xlsx" and which == "1M" and args.skip_xlsx_big:
                continue
            figure = run_child(kind, which)
            rate = figure["rows"] / figure["seconds"] if figure["seconds"] else 0
            lines.append(f"| export {kind.upper()} {which}: {figure['rows']:,} rows | {figure['seconds']:,.1f} s, "
                         f"{rate:,.0f} rows/s, peak {figure['peak_mib']:.0f} MiB, file {figure['bytes'] / 2**20:,.1f} MiB |")
            print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
