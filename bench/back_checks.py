"""Back-checks at 1 million households (PostgreSQL): the weekly draw, the count of every enumerator's figures,
and the supervisor's quality and back-check pages, each beside what it replaces.

Run from the project root on a COPY of the 1M database (it writes enumerators, approval times and flags):

    createdb -T pser_bench1m pser_bench_NAME
    DATABASE_URL=postgresql+psycopg://…/pser_bench_NAME .venv/bin/flask --app wsgi db upgrade
    .venv/bin/python bench/back_checks.py postgresql+psycopg://…/pser_bench_NAME --prepare   # once
    .venv/bin/python bench/back_checks.py postgresql+psycopg://…/pser_bench_NAME [--requests 30]

--prepare gives every tehsil 12 enumerators, every household past registration one of its tehsil's
enumerators, spreads the starts over 30 days (submit 10-70 minutes later, the supervisor's decision within
two days), and flags one in ten submitted households. Measuring leaves the copy as it found it: the draw
and the count are timed in transactions that are rolled back, and the draw committed for the pages is
deleted at the end.

Side by side:
- the draw in SQL (window functions, sample_query) against reading the week's approvals into Python and
  drawing there (the domain's reference rule), on the same data and seed;
- the quality page reading enumerator_figures against counting the district's figures on each request
  (count_figures over Lahore's 350,000 households), the latter being what the table saves.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, select, text  # noqa: E402

PREPARE = """
INSERT INTO users (cnic, full_name, role, password_hash, area_id, failed_logins, disabled, created_at, locale)
SELECT '39' || lpad((a.id * 100 + g)::text, 11, '0'), 'Bench Enumerator ' || a.id || '-' || g,
       'enumerator', 'x', a.id, 0, false, now(), 'en'
FROM areas a CROSS JOIN generate_series(0, 11) g WHERE a.level = 'tehsil';
CREATE TEMP TABLE tehsil_enumerators AS
SELECT area_id, array_agg(id ORDER BY id) AS ids FROM users
WHERE role = 'enumerator' AND cnic LIKE '39%' GROUP BY area_id;
UPDATE households h SET enumerator_id = t.ids[(h.id % 12) + 1]
FROM tehsil_enumerators t WHERE t.area_id = h.area_id AND h.status NOT IN ('registered', 'scheduled');
UPDATE household_status_changes c SET at = now() - ((c.household_id::bigint * 7919 % 43200) || ' minutes')::interval
WHERE c.to_status = 'draft';
UPDATE household_status_changes c SET at = now() - ((c.household_id::bigint * 7919 % 43200) || ' minutes')::interval
                                       + ((10 + c.household_id % 60) || ' minutes')::interval
WHERE c.to_status = 'submitted';
UPDATE household_status_changes c SET at = now() - ((c.household_id::bigint * 7919 % 43200) || ' minutes')::interval
                                       + ((120 + c.household_id % 2880) || ' minutes')::interval
WHERE c.to_status IN ('verified', 'returned', 'rejected');
UPDATE household_status_changes SET at = now() - interval '1 minute' WHERE at > now();
UPDATE households SET flag_count = 1 WHERE status IN ('submitted', 'returned', 'verified', 'rejected') AND id % 10 = 0;
"""


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SMS_BACKEND": "console",
                       "SECRET_KEY": "bench-secret-key-with-enough-length-0123456789", "WTF_CSRF_SSL_STRICT": False})


def prepare(app) -> None:
    from app.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            for statement in (s.strip() for s in PREPARE.split(";")):
                if statement:
                    started = time.perf_counter()
                    conn.execute(text(statement))
                    print(f"  {statement.splitlines()[0][:70]} … {time.perf_counter() - started:.1f} s", flush=True)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def p95(times: list[float]) -> float:
    """The 95th percentile; with a handful of runs, the slowest."""
    return times[int(0.95 * (len(times) - 1))] if len(times) >= 20 else times[-1]


def measure(app, requests: int) -> list[tuple[str, list[float], str]]:
    from app.domain.back_checks import Approval
    from app.domain.back_checks import draw as reference_draw
    from app.domain.back_checks import window_start
    from app.domain.household_status import HouseholdStatus
    from app.extensions import db
    from app.models import BackCheck, Household, HouseholdStatusChange
    from app.services import back_checks
    from app.services.areas import find_area
    from app.unit_of_work import service_context

    rows = []
    with app.app_context():
        session, ctx = db.session, service_context()
        now = ctx.now()
        seed = 20261124

        def sql_draw():
            report = back_checks.draw(session, ctx, seed=seed, now=now)
            session.rollback()
            return report

        def python_draw():
            since = window_start(now)
            approvals = session.execute(
                select(Household.id, Household.enumerator_id, Household.area_id, HouseholdStatusChange.at)
                .join(HouseholdStatusChange, HouseholdStatusChange.household_id == Household.id)
                .where(HouseholdStatusChange.to_status == HouseholdStatus.VERIFIED,
                       HouseholdStatusChange.at >= since, HouseholdStatusChange.at <= now,
                       Household.status == HouseholdStatus.VERIFIED, Household.enumerator_id.is_not(None))).all()
            drawn = session.scalars(select(BackCheck.household_id)).all()
            chosen = reference_draw([Approval(*row) for row in approvals], now=now, seed=seed, already_drawn=drawn)
            session.rollback()
            return chosen, len(approvals)

        report = sql_draw()
        chosen, approvals = python_draw()
        assert report.drawn == len(chosen), (report.drawn, len(chosen))  # the same rule, the same households
        rows.append((f"draw: SQL window functions ({approvals:,} approvals in 7 days → {report.drawn:,} drawn, "
                     f"{report.unassigned} unassigned)", timed(sql_draw, 3), "draw"))
        rows.append(("draw: approvals read into Python, domain rule", timed(python_draw, 3), "draw"))

        def refresh():
            counted = back_checks.refresh_enumerator_figures(session, ctx)
            session.rollback()
            return counted

        rows.append((f"count every enumerator's figures (the daily job; {refresh():,} enumerators)",
                     timed(refresh, 2), "figures"))
        lahore = find_area(session, "Lahore")
        lahore_households = session.scalar(select(text("count(*)")).select_from(Household)
                                           .where(Household.district_id == lahore.id))

        def live():
            back_checks.count_figures(session, Household.district_id == lahore.id)
            session.rollback()

        rows.append((f"Lahore's figures counted on request ({lahore_households:,} households)", timed(live, 3),
                     "page"))
        # The page reads the counted figures: count them once, for real, on this copy.
        back_checks.refresh_enumerator_figures(session, ctx)
        back_checks.draw(session, ctx, seed=seed, now=now)
        session.commit()
        db.session.remove()

    client = signed_in_supervisor(app)
    for url, name in (("/supervisor/enumerators", "quality page /supervisor/enumerators (reads enumerator_figures)"),
                      ("/supervisor/backchecks", "back-check report /supervisor/backchecks")):
        for _ in range(3):
            assert client.get(url).status_code == 200
        rows.append((name, timed(lambda url=url: client.get(url), requests), "page"))
    with app.app_context():  # leave the copy as it was, so the next run draws the same households
        db.session.execute(delete(BackCheck).where(BackCheck.seed == seed))
        db.session.commit()
    return rows


def signed_in_supervisor(app):
    import re

    from app.services.demo import DEMO_PASSWORD

    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"cnic": "35202-3333333-5", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    app = make_app(args.url)
    if args.prepare:
        prepare(app)
        return 0
    from app.extensions import db

    with app.app_context():
        households = db.session.execute(text("SELECT count(*) FROM households")).scalar()
    rows = measure(app, args.requests)
    print(f"\nBack-checks at {households:,} households (PostgreSQL, ms)\n")
    print("| what | runs | median | p95 |")
    print("|---|---:|---:|---:|")
    for name, times, _kind in rows:
        print(f"| {name} | {len(times)} | {statistics.median(times):,.1f} | {p95(times):,.1f} |")
    by_name = {name: statistics.median(times) for name, times, _ in rows}
    names = list(by_name)
    print(f"\nPython draw / SQL draw: {by_name[names[1]] / by_name[names[0]]:.1f}×; "
          f"counting Lahore on request / the page reading the counted figures: "
          f"{by_name[names[3]] / by_name[names[4]]:.0f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
