"""Citizens' change requests at scale: the area's queue (/supervisor/requests for the demo supervisor of
Lahore, /helpdesk/requests for the call centre, all of Punjab), its next page and one request's page, timed
through the app, median and p95 and queries per request, side by side in one run.

Run from the project root on a COPY of a seeded database at migration e1a2b3c4d5e6 (it writes requests):

    .venv/bin/python bench/updates.py URL --prepare      # one open request per 10 verified households …
    .venv/bin/python bench/updates.py URL [--requests 40]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

from bench.review import make_app  # noqa: E402  (the same app settings as the review's benchmark)

SUPERVISOR_CNIC, HELPDESK_CNIC = "35202-3333333-5", "35202-4444444-6"

PREPARE = [
    # One request per ten verified households (income, open), spread over 60 days; one in five decided already.
    ("file requests", """
        INSERT INTO change_requests (household_id, kind, details, state, is_open, district_id, field_visit_requested,
                                     version, created_at)
        SELECT id, 'income', '{"monthly_income": 12000}',
               CASE WHEN id % 50 = 0 THEN 'applied' WHEN id % 50 = 10 THEN 'declined' ELSE 'open' END,
               id % 50 NOT IN (0, 10), district_id,
               false, 1, now() - ((id::bigint * 7919) % 86400) * interval '1 minute'
        FROM households WHERE status = 'verified' AND id % 10 = 0"""),
    ("analyze", "ANALYZE change_requests"),
]


def prepare(url: str) -> None:
    if url.rstrip("/").endswith("/pser_bench1m"):
        raise SystemExit("refusing to write to the shared pser_bench1m: make a copy (CREATE DATABASE … TEMPLATE)")
    engine = create_engine(url)
    with engine.begin() as connection:
        for label, statement in PREPARE:
            started = time.perf_counter()
            connection.execute(text(statement))
            print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()


def signed_in(app, cnic: str):
    from app.services.demo import DEMO_PASSWORD

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/login", data={"cnic": cnic, "password": DEMO_PASSWORD, "csrf_token": token}).status_code == 302
    return client


def timed(client, url: str, runs: int, counter: list[int]) -> tuple[float, float, float, str]:
    times, queries, html = [], [], ""
    for _ in range(runs):
        counter[0] = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        queries.append(counter[0])
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data(as_text=True)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], statistics.median(queries), html


def measure(url: str, runs: int) -> None:
    from app.extensions import db

    app = make_app(url)
    with app.app_context():
        counter = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: counter.__setitem__(0, counter[0] + 1))
        households = db.session.execute(text("SELECT count(*) FROM households")).scalar()
        open_requests = db.session.execute(text("SELECT count(*) FROM change_requests WHERE state IN ('open', 'in_progress')")).scalar()
        db.session.remove()
    supervisor, helpdesk = signed_in(app, SUPERVISOR_CNIC), signed_in(app, HELPDESK_CNIC)
    rows = []
    for who, client, base in (("supervisor (Lahore)", supervisor, "/supervisor/requests"),
                              ("helpdesk (all Punjab)", helpdesk, "/helpdesk/requests")):
        p50, p95, queries, html = timed(client, base, runs, counter)
        rows.append((who, "queue, first page", p50, p95, queries))
        following = re.search(r'<a rel="next" href="([^"]+)"', html)
        if following:
            p50, p95, queries, _ = timed(client, following.group(1).replace("&amp;", "&"), runs, counter)
            rows.append((who, "queue, next page", p50, p95, queries))
        first = re.search(rf'href="({base}/\d+)"', html)
        if first:
            p50, p95, queries, _ = timed(client, first.group(1), runs, counter)
            rows.append((who, "one request's page", p50, p95, queries))
    print(f"\n{households:,} households, {open_requests:,} open change requests, {runs} requests each\n")
    print("| who | page | median ms | p95 ms | queries |\n|---|---|---:|---:|---:|")
    for who, page, p50, p95, queries in rows:
        print(f"| {who} | {page} | {p50:.1f} | {p95:.1f} | {queries:.0f} |")
    if len(rows) > 3:
        print(f"\nall-Punjab first page / Lahore first page: {rows[3][2] / rows[0][2]:.2f}×")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--requests", type=int, default=40)
    arguments = parser.parse_args()
    if arguments.prepare:
        prepare(arguments.url)
    else:
        measure(arguments.url, arguments.requests)
