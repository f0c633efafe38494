"""The supervisor's review at scale: the review queue (first page, next page, a page deep in the list, each
filter) and the household review page, timed through the app as the demo supervisor (Lahore) signs in;
median and p95 latency and queries per request, side by side in one run, against the 100 ms p95 budget.
The approve POST is timed too (no budget), on households of its own.

Run from the project root on a COPY of a seeded database (it writes: submission times, flags, approvals):

    # once per copy: spread the submission times over 60 days and plant flags on 5 % of submitted households
    .venv/bin/python bench/review.py URL --prepare
    # measure
    .venv/bin/python bench/review.py URL [--requests 60] [--markdown out.md]

URL is a SQLAlchemy URL of a PostgreSQL database at migration 0011 (households.submitted_at) or later, seeded
with `flask seed-demo` (the demo supervisor 35202-3333333-5 of Lahore).
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

SUPERVISOR_CNIC = "35202-3333333-5"
BUDGET_MS = 100.0

PREPARE = [
    # The demo loads every household in one instant: spread the submissions over 60 days, as a field team's are.
    ("spread submission times", """
        UPDATE households SET submitted_at = submitted_at - ((id::bigint * 7919) % 86400) * interval '1 minute'
        WHERE status = 'submitted'"""),
    # Flags on one submitted household in twenty (the cross-checks' work), and their count on the household.
    ("plant flags", """
        INSERT INTO household_flags (household_id, code, severity, member_ids, details, message_en, message_ur,
                                     raised_at)
        SELECT id, (ARRAY['cnic_elsewhere', 'head_minor', 'mobile_many'])[id % 3 + 1], 'warning', NULL, NULL,
               'A demo flag.', 'ایک نمونہ انتباہ۔', now()
        FROM households WHERE status = 'submitted' AND id % 20 = 0"""),
    ("count flags", """
        UPDATE households SET flag_count = 1 WHERE status = 'submitted' AND id % 20 = 0"""),
    # The demo's households name no enumerator: give the demo enumerator of Lahore one household in ten there.
    ("assign an enumerator", """
        UPDATE households SET enumerator_id = (SELECT id FROM users WHERE cnic = '35202-2222222-3')
        WHERE district_id = (SELECT area_id FROM users WHERE cnic = '35202-2222222-3') AND id % 10 = 0
          AND status NOT IN ('registered', 'scheduled')"""),
    ("analyze", "ANALYZE households; ANALYZE household_flags"),
]


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SMS_BACKEND": "console",
                       "SECRET_KEY": "bench-secret-key-with-enough-length-0123456789", "WTF_CSRF_SSL_STRICT": False})


def prepare(url: str) -> None:
    if url.rstrip("/").endswith("/pser_bench1m"):
        raise SystemExit("refusing to write to the shared pser_bench1m: make a copy (CREATE DATABASE … TEMPLATE)")
    engine = create_engine(url)
    with engine.begin() as connection:
        for label, statement in PREPARE:
            started = time.perf_counter()
            for part in statement.split(";"):
                connection.execute(text(part))
            print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html)
    return match.group(1)


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def _next_link(html: str) -> str | None:
    match = re.search(r'<a rel="next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _cursor(submitted_at, household_id: int) -> str:
    payload = json.dumps(["a", submitted_at.isoformat(), household_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def signed_in(app):
    from app.services.demo import DEMO_PASSWORD

    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"cnic": SUPERVISOR_CNIC, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def measure(url: str, requests: int) -> dict:
    from app.extensions import db

    app = make_app(url)
    with app.app_context():
        engine = db.engine
        connection = db.session.connection()
        households = connection.execute(text("SELECT count(*) FROM households")).scalar()
        district = connection.execute(text("SELECT area_id FROM users WHERE cnic = :c"), {"c": SUPERVISOR_CNIC}).scalar()
        waiting = connection.execute(text("SELECT count(*) FROM households WHERE status = 'submitted' AND district_id = :d"),
                                     {"d": district}).scalar()
        middle = connection.execute(text("""SELECT submitted_at, id FROM households WHERE status = 'submitted'
            AND district_id = :d ORDER BY submitted_at, id OFFSET :k LIMIT 1"""), {"d": district, "k": waiting // 2}).first()
        tehsil = connection.execute(text("SELECT code FROM areas WHERE parent_id = :d ORDER BY name_en LIMIT 1"),
                                    {"d": district}).scalar()
        enumerator = connection.execute(text("""SELECT enumerator_id FROM households WHERE district_id = :d
            AND enumerator_id IS NOT NULL LIMIT 1"""), {"d": district}).scalar()
        sample = [row[0] for row in connection.execute(text("""SELECT id FROM households WHERE status = 'submitted'
            AND district_id = :d ORDER BY (id::bigint * 2654435761) % 1000003 LIMIT :n"""), {"d": district, "n": 2 * requests + 10})]
        plan = "\n".join(row[0] for row in connection.execute(text("""EXPLAIN SELECT id, submitted_at FROM households
            WHERE status = 'submitted' AND submitted_at IS NOT NULL AND district_id = :d
            ORDER BY submitted_at, id LIMIT 26"""), {"d": district}))
        db.session.remove()
    client = signed_in(app)
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(1))
    second = _next_link(client.get("/supervisor/queue").get_data(as_text=True))
    reviews = iter(sample[:requests + 3])
    pages = [
        ("queue, first page", lambda: client.get("/supervisor/queue")),
        ("queue, next page", lambda: client.get(second)),
        (f"queue, page in the middle ({waiting // 2:,} in)", lambda: client.get(
            "/supervisor/queue", query_string={"cursor": _cursor(*middle)})),
        ("queue: with flags (htmx)", lambda: client.get("/supervisor/queue?flags=1", headers={"HX-Request": "true"})),
        ("queue: one kind of flag (htmx)", lambda: client.get("/supervisor/queue?flag=head_minor",
                                                             headers={"HX-Request": "true"})),
        ("queue: one tehsil (htmx)", lambda: client.get(f"/supervisor/queue?tehsil={tehsil}",
                                                        headers={"HX-Request": "true"})),
        ("queue: one enumerator (htmx)", lambda: client.get(f"/supervisor/queue?enumerator={enumerator}",
                                                            headers={"HX-Request": "true"})),
        ("queue: older than 30 days (htmx)", lambda: client.get("/supervisor/queue?older=30",
                                                                headers={"HX-Request": "true"})),
        ("household review page", lambda: client.get(f"/supervisor/households/{next(reviews)}")),
    ]
    results = {}
    for name, request in pages:
        results[name] = _time(request, requests, queries)
        print(f"  {name:<44} median {results[name]['median']:6.1f} ms  p95 {results[name]['p95']:6.1f} ms  "
              f"queries {results[name]['queries']:2d}", flush=True)
    approvals = iter(sample[requests + 3:])

    def approve():
        household_id = next(approvals)
        html = client.get(f"/supervisor/households/{household_id}").get_data(as_text=True)
        fields = {"csrf_token": _csrf(html), "version": _hidden(html, "version"),
                  "idempotency_key": _hidden(html, "idempotency_key")}
        queries.clear()
        started = time.perf_counter()
        response = client.post(f"/supervisor/households/{household_id}/approve", data=fields)
        return response, started

    results["approve (POST, no budget)"] = _time(approve, requests, queries, expect=302, timed_inside=True)
    name = "approve (POST, no budget)"
    print(f"  {name:<44} median {results[name]['median']:6.1f} ms  p95 {results[name]['p95']:6.1f} ms  "
          f"queries {results[name]['queries']:2d}", flush=True)
    engine.dispose()
    return {"households": households, "waiting": waiting, "pages": results, "plan": plan}


def _time(request, requests: int, queries: list, *, expect: int = 200, timed_inside: bool = False) -> dict:
    for _ in range(3):  # warm: plans, the area tree, templates
        outcome = request()
        response = outcome[0] if timed_inside else outcome
        assert response.status_code == expect, response.status_code
    times, counts = [], []
    for _ in range(requests):
        queries.clear()
        started = time.perf_counter()
        outcome = request()
        if timed_inside:
            outcome, started = outcome
        times.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
        assert outcome.status_code == expect, outcome.status_code
    times.sort()
    return {"median": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "queries": max(counts)}


def report(run: dict) -> str:
    lines = [f"{run['households']:,} households; {run['waiting']:,} submitted in the supervisor's district "
             f"(Lahore). Budget: p95 ≤ {BUDGET_MS:.0f} ms.", "",
             "| page | median ms | p95 ms | p95 / budget | queries | verdict |", "|---|---|---|---|---|---|"]
    for name, figures in run["pages"].items():
        budgeted = "no budget" not in name
        verdict = ("PASS" if figures["p95"] <= BUDGET_MS else "FAIL") if budgeted else "—"
        ratio = f"{figures['p95'] / BUDGET_MS:.2f}" if budgeted else "—"
        lines.append(f"| {name} | {figures['median']:.1f} | {figures['p95']:.1f} | {ratio} | {figures['queries']} | "
                     f"{verdict} |")
    lines += ["", "The queue's first page (EXPLAIN):", "", "```", run["plan"], "```"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="SQLAlchemy database URL (a copy: --prepare and the approvals write)")
    parser.add_argument("--prepare", action="store_true", help="spread submission times and plant flags, then stop")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--markdown", help="also write the report to this file")
    args = parser.parse_args()
    if args.url.rstrip("/").endswith("/pser_bench1m"):
        raise SystemExit("refusing to use the shared pser_bench1m: make a copy (CREATE DATABASE … TEMPLATE)")
    if args.prepare:
        prepare(args.url)
        return 0
    run = measure(args.url, args.requests)
    table = report(run)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0 if all(f["p95"] <= BUDGET_MS for n, f in run["pages"].items() if "no budget" not in n) else 1


if __name__ == "__main__":
    sys.exit(main())
