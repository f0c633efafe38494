"""Pages at scale: grow the registry with SQL in the shape `seed-demo` makes (PostgreSQL), then time every
list and dashboard page signed in as each demo role: median and p95 latency, queries per request and the
peak of Python memory per request (tracemalloc).

Run from the project root:

    # once per database: migrate, load areas, demo accounts, grow N households with their citizens' accounts,
    # N/5 complaints (three in four open ones overdue), run `flask escalate` (set-based), rebuild the summaries,
    # VACUUM ANALYZE
    .venv/bin/python bench/pages_at_scale.py URL --grow 1000000
    # any number of times: measure
    .venv/bin/python bench/pages_at_scale.py URL [URL ...] [--requests 40] [--markdown out.md]

URL is a SQLAlchemy URL; it may name a schema, so that several sizes live in one database:
    postgresql+psycopg://postgres@127.0.0.1:5432/pser_scale?options=-csearch_path%3Dscale_1m
Growing is PostgreSQL only (generate_series); measuring works on any database the portal runs on.
"""
from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import time
import tracemalloc
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

DEMO_CNIC = {"enumerator": "35202-2222222-3", "supervisor": "35202-3333333-5", "helpdesk": "35202-4444444-6",
             "admin": "35202-5555555-7"}


def _schema(url: str) -> str | None:
    options = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("options", [""])[0]
    match = re.search(r"search_path=([A-Za-z_][A-Za-z0-9_]*)", options)
    return match.group(1) if match else None


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SMS_BACKEND": "console",
                       "SECRET_KEY": "bench-secret-key-with-enough-length-0123456789", "WTF_CSRF_SSL_STRICT": False})


# --- growing ---------------------------------------------------------------------------------------------

GROW_HOUSEHOLDS = """
WITH params AS (SELECT CAST(:first AS bigint) AS first, CAST(:n AS bigint) AS n),
districts AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM areas WHERE level = 'district'),
tehsils AS (SELECT parent_id AS district_id, array_agg(id ORDER BY id) AS ids FROM areas
            WHERE level = 'tehsil' GROUP BY parent_id),
lahore AS (SELECT id FROM areas WHERE code = 'DST-LHR'),
serial AS (SELECT g AS i, (ARRAY['registered','scheduled','draft','submitted','returned','verified','rejected'])[g % 7 + 1]
                  AS status
           FROM params, generate_series(params.first, params.first + params.n - 1) AS g),
placed AS (SELECT s.i, s.status, CASE WHEN s.i % 3 = 0 THEN l.id ELSE d.id END AS district_id
           FROM serial s CROSS JOIN lahore l
           JOIN districts d ON d.k = (s.i * 7919) % (SELECT count(*) FROM areas WHERE level = 'district')),
shaped AS (SELECT p.*, lpad(((p.i * 982451653) % 1000000000000)::text, 12, '0') AS d,
                  CASE WHEN p.status IN ('registered', 'scheduled') OR t.ids IS NULL THEN p.district_id
                       ELSE t.ids[(p.i / 7) % array_length(t.ids, 1) + 1] END AS area_id
           FROM placed p LEFT JOIN tehsils t ON t.district_id = p.district_id)
INSERT INTO households (head_cnic, status, area_id, district_id, self_declared, version, created_at, updated_at,
                        consent_given, union_council, village, tenure, rooms, roof, walls, toilet, water, electricity,
                        cooking_fuel, monthly_income, sections_saved, resurvey_requested_at, visit_requested)
SELECT '3' || substr(d, 1, 4) || '-' || substr(d, 5, 7) || '-' || substr(d, 12, 1), status, area_id, district_id,
       false, 1, now() - (i % 400) * interval '1 day', now() - ((i * 37) % 525600) * interval '1 minute',
       status NOT IN ('registered', 'scheduled'), 'UC ' || (i % 150), 'Demo', 'owned', 1 + i % 4, 'rcc',
       'burnt_brick', 'flush_pit', 'hand_pump', 'grid', 'lpg', 15000 + (i % 75) * 1000, '{}',
       CASE WHEN i % 997 = 0 THEN now() END, i % 997 = 0
FROM shaped
"""

GROW_CITIZENS = """
INSERT INTO users (cnic, full_name, role, password_hash, network, mobile, household_id, failed_logins, disabled,
                   created_at)
SELECT h.head_cnic, 'Demo Citizen ' || h.id, 'citizen', :password_hash, 'jazz',
       '030' || lpad((h.id % 100000000)::text, 8, '0'), h.id, 0, false, h.created_at
FROM households h WHERE h.id > :after
ON CONFLICT DO NOTHING
"""

GROW_COMPLAINTS = """
INSERT INTO complaints (cnic, mobile, category, description, district_id, state, assigned_to_id, deadline_at,
                        resolved_at, closed_at, resolution, rating, created_at, updated_at)
SELECT c.cnic, '03001234567', c.category, 'شکایت کی مثال: سروے ٹیم ہمارے محلے میں نہیں آئی۔', c.district_id,
       c.state, CASE WHEN c.state <> 'new' THEN :agent END,
       CASE WHEN c.state IN ('new', 'assigned', 'in_progress', 'reopened') AND c.j % 4 <> 0
            THEN now() - (1 + c.j % 240) * interval '1 hour'
            ELSE c.filed + (ARRAY[3, 7, 10, 15])[c.j % 4 + 1] * interval '1 day' END,
       CASE WHEN c.state IN ('resolved', 'closed') THEN c.filed + interval '2 days' + (c.j % 48) * interval '1 hour' END,
       CASE WHEN c.state = 'closed' THEN c.filed + interval '3 days' END,
       CASE WHEN c.state IN ('resolved', 'closed') THEN 'سروے ٹیم نے دورہ کر لیا ہے۔' END,
       CASE WHEN c.state = 'closed' THEN 1 + c.j % 5 END, c.filed, c.filed
FROM (SELECT h.head_cnic AS cnic, h.district_id, row_number() OVER (ORDER BY h.id) AS j,
             (ARRAY['new','assigned','in_progress','resolved','closed','reopened'])[(h.id / 5) % 6 + 1] AS state,
             (ARRAY['not_surveyed','wrong_information','score_dispute','benefit_not_received','enumerator_conduct',
                    'privacy','other'])[(h.id / 5) % 7 + 1] AS category,
             now() - ((h.id * 13) % 480) * interval '1 hour' AS filed
      FROM households h WHERE h.id > :after AND h.id % 5 = 0) AS c
"""


def grow(url: str, households: int) -> None:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models.base import utcnow
    from app.services.areas import load_areas
    from app.services.complaints import escalate_overdue
    from app.services.credentials import hash_password
    from app.services.demo import DEMO_PASSWORD, ensure_demo_accounts
    from app.services.summaries import rebuild_summaries
    from app.unit_of_work import service_context

    schema = _schema(url)
    if schema:
        with create_engine(url.split("?")[0]).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    app = make_app(url)
    with app.app_context():
        upgrade()
        load_areas(db.session)
        accounts = {user.role: user for user in ensure_demo_accounts(db.session, service_context(app))}
        db.session.commit()
        session = db.session
        after = session.execute(text("SELECT coalesce(max(id), 0) FROM households")).scalar()
        first = session.execute(text("SELECT coalesce(max(id), 0) FROM households")).scalar() + 1

        def step(label, statement, **params):
            started = time.perf_counter()
            rows = session.execute(text(statement), params).rowcount
            session.commit()
            print(f"  {label}: {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)

        print(f"growing {households} households", flush=True)
        step("households", GROW_HOUSEHOLDS, first=first, n=households)
        step("citizens' accounts", GROW_CITIZENS, after=after, password_hash=hash_password(DEMO_PASSWORD))
        step("complaints", GROW_COMPLAINTS, after=after, agent=accounts["helpdesk"].id)
        step("tracking numbers", "UPDATE complaints SET tracking_no = 'PSER-C-2026-' || lpad(id::text, 6, '0') "
             "WHERE tracking_no IS NULL")
        step("complaint timelines", "INSERT INTO complaint_events (complaint_id, at, kind, to_state, public) "
             "SELECT id, created_at, 'filed', 'new', true FROM complaints c WHERE NOT EXISTS "
             "(SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id)")
        started = time.perf_counter()
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        escalated, closed = escalate_overdue(session, service_context(app), utcnow())
        session.commit()
        event.remove(db.engine, "before_cursor_execute", listener)
        print(f"  flask escalate: {escalated} escalated, {closed} closed in {time.perf_counter() - started:.1f} s, "
              f"{len(statements)} statements", flush=True)
        started = time.perf_counter()
        rebuild_summaries(session)
        session.commit()
        print(f"  summaries rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            started = time.perf_counter()
            conn.execute(text("VACUUM ANALYZE"))
            print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)
        db.engine.dispose()


# --- measuring -------------------------------------------------------------------------------------------


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html)
    return match.group(1)


def _next_link(html: str) -> str | None:
    match = re.search(r'<a rel="next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def signed_in(app, role: str):
    from app.services.demo import DEMO_PASSWORD

    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"cnic": DEMO_CNIC[role], "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, (role, response.status_code)
    client.csrf = _csrf(client.get("/").get_data(as_text=True))  # the signed-in session's token
    return client


def pages(app) -> list[tuple[str, str, callable]]:
    """(role, page name, a function of the signed-in client that makes one request)."""
    clients = {role: signed_in(app, role) for role in DEMO_CNIC}

    def get(role, url, **kw):
        return lambda: clients[role].get(url, **kw)

    def search(q):
        return lambda: clients["enumerator"].post("/enumerator/", data={"q": q, "csrf_token": clients["enumerator"].csrf},
                                                  headers={"HX-Request": "true"})

    def second(role, url):
        link = _next_link(clients[role].get(url).get_data(as_text=True))
        return get(role, link or url)

    return [
        ("enumerator", "home (Lahore)", get("enumerator", "/enumerator/")),
        ("enumerator", "home, page 2", second("enumerator", "/enumerator/")),
        ("enumerator", "tab: returned", get("enumerator", "/enumerator/?state=returned")),
        ("enumerator", "search 3 digits (htmx)", search("352")),
        ("enumerator", "search 7 digits (htmx)", search("3520212")),
        ("helpdesk", "queue", get("helpdesk", "/helpdesk/")),
        ("helpdesk", "queue, page 2", second("helpdesk", "/helpdesk/")),
        ("helpdesk", "queue: overdue, privacy", get("helpdesk", "/helpdesk/?overdue=1&category=privacy")),
        ("helpdesk", "queue: mine", get("helpdesk", "/helpdesk/?mine=1")),
        ("helpdesk", "dashboard", get("helpdesk", "/helpdesk/dashboard")),
        ("supervisor", "home (escalated)", get("supervisor", "/supervisor/")),
        ("supervisor", "home, page 2", second("supervisor", "/supervisor/")),
        ("admin", "home", get("admin", "/admin/")),
        ("admin", "home, audit page 2", second("admin", "/admin/")),
    ]


def measure(url: str, requests: int) -> dict:
    from app.extensions import db

    app = make_app(url)
    results = {}
    with app.app_context():
        engine = db.engine
        households = db.session.execute(text("SELECT count(*) FROM households")).scalar()
        db.session.remove()
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(1))
    for role, name, request in pages(app):
        for _ in range(3):  # warm: plans, the area tree, templates
            assert request().status_code == 200, (role, name)
        times, counts = [], []
        for _ in range(requests):
            queries.clear()
            started = time.perf_counter()
            response = request()
            times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
            assert response.status_code == 200
        gc.collect()
        tracemalloc.start()
        request()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        times.sort()
        results[(role, name)] = {"median": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
                                 "queries": max(counts), "peak_mb": peak / 2**20, "bytes": len(response.data)}
        print(f"  {role:<10} {name:<26} median {results[(role, name)]['median']:6.1f} ms  "
              f"p95 {results[(role, name)]['p95']:6.1f} ms  queries {max(counts):2d}  "
              f"peak {peak / 2**20:5.1f} MB", flush=True)
    engine.dispose()
    return {"households": households, "pages": results}


def report(runs: list[dict]) -> str:
    head = "| role | page | " + " | ".join(f"{r['households']:,} households: median / p95 ms, queries, peak MB"
                                           for r in runs) + " |"
    lines = [head, "|" + "---|" * (2 + len(runs))]
    for key in runs[0]["pages"]:
        cells = [f"{r['pages'][key]['median']:.1f} / {r['pages'][key]['p95']:.1f}, {r['pages'][key]['queries']}, "
                 f"{r['pages'][key]['peak_mb']:.1f}" for r in runs]
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="+", help="SQLAlchemy database URL(s)")
    parser.add_argument("--grow", type=int, default=0, help="grow this many households first (PostgreSQL)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    if args.grow:
        for url in args.urls:
            grow(url, args.grow)
        return 0
    runs = []
    for url in args.urls:
        print(f"measuring {url}", flush=True)
        runs.append(measure(url, args.requests))
    table = report(runs)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
