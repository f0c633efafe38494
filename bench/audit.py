"""The audit viewer at a million entries, on PostgreSQL, side by side in one run: /admin/audit filtered by
household, by district (first page, with a month's time range, and twenty pages deep), and by person, through
the service and through Flask as the admin; beside the district's page with its index switched off (a scan and
a top-N sort), with the ratio; and the district's CSV streamed whole.

It writes to the database it is given (a million audit entries, an admin): NEVER point it at a shared
database. Run on your own, migrated database (areas loaded by `flask seed`):
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_NAME nice .venv/bin/python bench/audit.py
Entries are inserted set-based (one INSERT … SELECT from generate_series) until there are AUDIT_ROWS."""
from __future__ import annotations

import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import p95, timed  # noqa: E402
URL = os.environ.get("BENCH_DATABASE_URL")
if not URL or not URL.startswith("postgresql"):
    sys.exit("set BENCH_DATABASE_URL to your own PostgreSQL database (postgresql+psycopg://...)")
os.environ["DATABASE_URL"] = URL
os.environ.pop("DATABASE_READ_URL", None)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOGIN_LIMIT", "1000 per minute")
logging.disable(logging.INFO)

from sqlalchemy import func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Area, AuditEntry, User  # noqa: E402
from app.services import audit_trail  # noqa: E402
from app.services.users import create_user  # noqa: E402
from app.unit_of_work import service_context, unit_of_work  # noqa: E402

AUDIT_ROWS = int(os.environ.get("AUDIT_ROWS", 1_000_000))
HOUSEHOLDS = 1_000_000
ADMIN_CNIC, ADMIN_PASSWORD = "35202-5555551-7", "Lanterns-At-Shalimar-41"
RUNS, RAW_RUNS = 40, 5


def fill(app) -> float:
    """Insert the missing entries in one statement: a year of reads and changes over a million households,
    41 districts and 500 staff members."""
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(AuditEntry))
        if have >= AUDIT_ROWS:
            return 0.0
        started = time.perf_counter()
        db.session.execute(text("""
            INSERT INTO audit_entries (at, action, actor_id, actor_role, household_id, area_id, reason, outcome)
            SELECT now() - random() * interval '365 days',
                   (ARRAY['household.view','helpdesk.lookup','household.save','complaint.view','household.submit'])[1 + (g % 5)],
                   1000 + (g * 7919) % 500, 'helpdesk', 1 + (g * 104729) % :households,
                   (SELECT array_agg(id ORDER BY id) FROM areas WHERE level = 'district')[1 + (g % 41)],
                   'bench', 'found'
            FROM generate_series(1::bigint, :n) AS g"""), {"n": AUDIT_ROWS - have, "households": HOUSEHOLDS})
        db.session.commit()
        db.session.execute(text("ANALYZE audit_entries"))
        db.session.commit()
        return time.perf_counter() - started


def main() -> None:
    app = create_app()
    inserted = fill(app)
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.cnic == ADMIN_CNIC)) is None:
            with unit_of_work(db.session) as session:
                create_user(session, service_context(), role="admin", cnic=ADMIN_CNIC, name="Audit Bench",
                            password=ADMIN_PASSWORD)
        total = db.session.scalar(select(func.count()).select_from(AuditEntry))
        district = db.session.scalars(select(Area).where(Area.level == "district").order_by(Area.id)).first()
        household = db.session.scalar(select(AuditEntry.household_id).where(AuditEntry.area_id == district.id).limit(1))
        actor = 1000 + 7919 % 500
        month_ago = db.session.scalar(text("SELECT now() - interval '30 days'"))
        session = db.session
        filters = {
            "household": audit_trail.TrailFilter(household_id=household),
            "district": audit_trail.TrailFilter(area_id=district.id),
            "district, last 30 days": audit_trail.TrailFilter(area_id=district.id, since=month_ago),
            "person": audit_trail.TrailFilter(actor_id=actor),
        }
        rows = []
        for name, flt in filters.items():
            times = timed(lambda flt=flt: (audit_trail.trail_page(session, flt), session.rollback()), RUNS)
            rows.append((f"service: {name}, first page (50)", times))

        def deep():
            cursor = None
            for _ in range(20):
                cursor = audit_trail.trail_page(session, filters["district"], cursor).next_cursor
            session.rollback()
        rows.append(("service: district, 20 pages deep (each page timed / 20)",
                     [t / 20 for t in timed(deep, 10)]))

        def no_index():
            with db.engine.begin() as conn:
                conn.execute(text("SET LOCAL enable_indexscan = off"))
                conn.execute(text("SET LOCAL enable_bitmapscan = off"))
                conn.execute(text("SET LOCAL enable_indexonlyscan = off"))
                conn.execute(text("SELECT id FROM audit_entries WHERE area_id = :a ORDER BY at DESC, id DESC LIMIT 51"),
                             {"a": district.id}).all()
        baseline = timed(no_index, RAW_RUNS)
        rows.append(("baseline: district first page, indexes off (scan + top-N sort)", baseline))

        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        login = client.post("/login", data={"cnic": ADMIN_CNIC, "password": ADMIN_PASSWORD, "csrf_token": token.group(1)})
        assert login.status_code == 302, login.status_code
        for name, query in (("household", f"household={household}"), ("district", f"district={district.code}")):
            def get(query=query):
                response = client.get(f"/admin/audit?{query}")
                assert response.status_code == 200, response.status_code
            rows.append((f"Flask GET /admin/audit?{name}=…", timed(get, RUNS)))

        started = time.perf_counter()
        streamed = client.get(f"/admin/audit.csv?district={district.code}")
        csv_lines = streamed.get_data().count(b"\n") - 1
        csv_seconds = time.perf_counter() - started

    district_p95 = p95(next(t for n, t in rows if n == "service: district, first page (50)"))
    print(f"\n{total:,} audit entries ({inserted:.1f} s to insert the missing ones set-based), "
          f"{RUNS} runs each (baseline {RAW_RUNS})\n")
    print("| measure | median ms | p95 ms |")
    print("|---|---:|---:|")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} | {p95(times):.2f} |")
    print(f"\nDistrict first page: {p95(baseline) / district_p95:,.0f}× faster at p95 than without its index.")
    print(f"CSV of one district: {csv_lines:,} rows streamed in {csv_seconds:.2f} s "
          f"({csv_lines / csv_seconds:,.0f} rows/s).")


if __name__ == "__main__":
    main()
