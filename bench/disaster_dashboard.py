"""Disaster ranking and the planners' dashboard at scale, on PostgreSQL, side by side in one run:

- the ranking of the two largest tehsils (the first page of the list, with and without criteria; the
  counts per area; the whole event page through Flask) against the 200 ms budget;
- the dashboard (GET /admin/ as the admin, through Flask, and its summary reads alone) against the 100 ms
  p95 budget, beside a raw GROUP BY of the same households by district and status, with the ratio.

It writes to the database it is given (a disaster event and a few relief deliveries, removed at the end):
NEVER point it at a shared database. Run on your own copy:
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_NAME \\
        .venv/bin/python bench/disaster_dashboard.py
The copy must be migrated, with household facts counted (`flask facts refresh`) and scores given; the admin
of `flask seed-demo` (35202-5555555-7, password Punjab-Demo-2026) signs in."""
from __future__ import annotations

import logging
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.timing import p95, row, timed  # noqa: E402
URL = os.environ.get("BENCH_DATABASE_URL")
if not URL or not URL.startswith("postgresql"):
    sys.exit("set BENCH_DATABASE_URL to your own PostgreSQL copy (postgresql+psycopg://...)")
os.environ["DATABASE_URL"] = URL
os.environ.pop("DATABASE_READ_URL", None)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOGIN_LIMIT", "1000 per minute")
logging.disable(logging.INFO)

from sqlalchemy import delete, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.domain.disaster import ReliefCriteria  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Area, AuditEntry, DisasterEvent, Household, HouseholdCount, ReliefCount  # noqa: E402
from app.services import dashboard, disaster  # noqa: E402
from app.unit_of_work import service_context, unit_of_work  # noqa: E402

ADMIN_CNIC, ADMIN_PASSWORD = "35202-5555555-7", "Punjab-Demo-2026"
RUNS, RAW_RUNS = 40, 7


def main() -> None:
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        session = db.session
        households = session.scalar(select(func.sum(HouseholdCount.households)))
        tehsils = session.execute(
            select(Area.id, Area.code, func.sum(HouseholdCount.households).label("n"))
            .join(HouseholdCount, HouseholdCount.area_key == Area.id).where(Area.level == "tehsil")
            .group_by(Area.id, Area.code).order_by(func.sum(HouseholdCount.households).desc()).limit(2)).all()
        with unit_of_work(session):
            event = disaster.create_event(session, service_context(), actor_id=None, name_en="Bench flood",
                                          name_ur="بینچ سیلاب", kind="flood", area_ids=[t.id for t in tehsils],
                                          criteria=ReliefCriteria())
        event_id = event.id
        scope = disaster.scope_of(session, event)
        first = disaster.rank_page(session, scope, ReliefCriteria(), limit=100)
        with unit_of_work(session):  # some relief, so that the served counts are read too
            disaster.record_relief(session, service_context(), event, [r.household_id for r in first.rows],
                                   actor_id=None, items="bench")
        session.commit()
        strict = ReliefCriteria(verified_only=True, score_below=40)
        results = {
            "rank": timed(lambda: (disaster.rank_page(session, scope, ReliefCriteria()), session.rollback()), RUNS),
            "rank_next": timed(lambda: (disaster.rank_page(session, scope, ReliefCriteria(), first.next_cursor),
                                        session.rollback()), RUNS),
            "rank_criteria": timed(lambda: (disaster.rank_page(session, scope, strict), session.rollback()), RUNS),
            "counts": timed(lambda: (disaster.counts_by_area(session, scope, ReliefCriteria()), session.rollback()),
                            RUNS),
            "counts_criteria": timed(lambda: (disaster.counts_by_area(session, scope, strict), session.rollback()),
                                     RUNS),
            "dash_reads": timed(lambda: (dashboard.coverage_by_district(session, "ur"),
                                         dashboard.complaints_by_state(session), dashboard.relief_served(session, "ur"),
                                         session.rollback()), RUNS),
            "raw": timed(lambda: (session.execute(select(Household.district_id, Household.status, func.count())
                                                  .group_by(Household.district_id, Household.status)).all(),
                                  session.rollback()), RAW_RUNS),
        }
        area_ids = ", ".join(str(a) for a in scope.household_areas)
        plan = session.execute(text(
            "EXPLAIN (ANALYZE, BUFFERS) " + str(select(Household.id, disaster.vulnerability_sql().label("v"))
                                                 .where(Household.area_id.in_(scope.household_areas))
                                                 .order_by(disaster.vulnerability_sql().desc(), Household.id)
                                                 .limit(51).compile(compile_kwargs={"literal_binds": True})))).scalars().all()
        session.rollback()

    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"cnic": ADMIN_CNIC, "password": ADMIN_PASSWORD, "csrf_token": token.group(1)})
    assert answer.status_code == 302, "the demo admin could not sign in"

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    results["page_event"] = timed(lambda: get(f"/admin/disaster/{event_id}"), RUNS)
    results["page_dashboard"] = timed(lambda: get("/admin/"), RUNS)

    with app.app_context(), unit_of_work(db.session) as session:  # leave the copy as it was
        session.execute(delete(DisasterEvent).where(DisasterEvent.id == event_id))
        session.execute(delete(ReliefCount).where(ReliefCount.event_id == event_id))
        session.execute(text("SET LOCAL pser.audit_maintenance = 'on'"))  # the log's trigger (README, Audit trail)
        session.execute(delete(AuditEntry).where(AuditEntry.action.in_(("disaster.create", "disaster.list",
                                                                          "relief.record"))))

    raw_median = statistics.median(results["raw"])
    print(f"load average before the run: {load_before}\n")
    print(f"PostgreSQL, {households:,} households; tehsils {tehsils[0].code} ({tehsils[0].n:,}) and "
          f"{tehsils[1].code} ({tehsils[1].n:,}); areas {area_ids}\n")
    print("| measure | median ms | p95 ms | budget |\n|---|---:|---:|---|")
    print(row("ranking of two tehsils: first page (50)", results["rank"], "≤ 200 ms"))
    print(row("ranking: a later page (after 100)", results["rank_next"], "≤ 200 ms"))
    print(row("ranking with criteria (verified, score < 40)", results["rank_criteria"], "≤ 200 ms"))
    print(row("counts per area, no criteria (summary tables)", results["counts"], ""))
    print(row("counts per area with criteria (households of the two tehsils)", results["counts_criteria"], ""))
    print(row("whole event page GET /admin/disaster/<id> (Flask)", results["page_event"], ""))
    print(row("dashboard summary reads alone", results["dash_reads"], ""))
    print(row("dashboard GET /admin/ (Flask, whole page)", results["page_dashboard"], "p95 ≤ 100 ms"))
    print(row("raw GROUP BY households by district and status", results["raw"], "(comparison)"))
    print(f"\nraw GROUP BY median / dashboard page p95: **{raw_median / p95(results['page_dashboard']):.1f}×**; "
          f"/ dashboard reads p95: **{raw_median / p95(results['dash_reads']):.1f}×**\n")
    print("Plan of the ranking's first page:\n\n```\n" + "\n".join(plan) + "\n```")


if __name__ == "__main__":
    main()
