"""An inbound SMS status lookup (POST /sms/inbound, signed, reply queued in the outbox) side by side with the
web lookup (htmx POST /status), in process through the Flask test client, on the database DATABASE_URL
points at (the 1M-household copy: never pser_bench1m itself). Both look up the same real CNICs, interleaved
in rounds; both write their audit entry and commit; the SMS one also queues its reply (SMS_BACKEND=outbox:
the gateway is excluded, as the budget says). Limits count in Redis when BENCH_REDIS_URL is given.

Run: DATABASE_URL=postgresql+psycopg://…/pser_bench_sms BENCH_REDIS_URL=redis://127.0.0.1:6379/8 \
     .venv/bin/python bench/sms_inbound.py [lookups per side]"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SECRET = "bench-inbound-secret-" + "x" * 32
# All the load comes from one address and a few numbers: the limits are raised so that none refuses.
for name in ("STATUS_LOOKUP_LIMIT", "SMS_INBOUND_LIMIT", "SMS_FLOOD_LIMIT", "SMS_REPLY_LIMIT",
             "SMS_NUMBER_CNICS_LIMIT", "SMS_CNIC_LIMIT"):
    os.environ[name] = "100000000 per minute"
os.environ.update(SMS_BACKEND="outbox", SMS_INBOUND_ENABLED="1", SMS_INBOUND_SECRET=SECRET)
os.environ.pop("REDIS_URL", None)
logging.disable(logging.INFO)

from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

BUDGET_MS = 20.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(n: int = 1000) -> None:
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    queue = f"pser-bench-sms-{os.getpid()}"
    # As in production: limits in Redis, and the reply's sending job handed to RQ (no worker here: the queue
    # is emptied at the end). Without Redis the job would run inline, in the request, after the commit.
    app = create_app({"RATELIMIT_STORAGE_URI": redis_url or "memory://", "RATELIMIT_KEY_PREFIX": queue,
                      "REDIS_URL": redis_url, "JOBS_QUEUE": queue})
    with app.app_context():
        households = db.session.execute(text("SELECT count(*) FROM households")).scalar()
        # Real CNICs spread over the table (a sample, not the first rows), and one unknown in ten.
        cnics = list(db.session.execute(text(
            "SELECT head_cnic FROM households TABLESAMPLE SYSTEM (1) WHERE head_cnic IS NOT NULL LIMIT 500"
            if db.engine.dialect.name == "postgresql" else
            "SELECT head_cnic FROM households WHERE head_cnic IS NOT NULL LIMIT 500")).scalars())
        db.session.remove()
    cnics = [c for c in cnics if c] or ["35202-1111111-1"]
    cnics = [f"35299-{i:07d}-1" if i % 10 == 0 else cnic for i, cnic in enumerate(cnics)]

    client = app.test_client()
    page = client.get("/status").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    web_headers = {"HX-Request": "true", "X-CSRFToken": token}

    def web(cnic: str) -> int:
        return client.post("/status", data={"cnic": cnic}, headers=web_headers).status_code

    def sms(cnic: str, i: int) -> int:
        body = urlencode({"from": f"0300{i % 9000000:07d}", "text": f"STATUS {cnic.replace('-', '')}"}).encode()
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        return client.post("/sms/inbound", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-PSER-Signature": signature}).status_code

    timings: dict[str, list[float]] = {"web": [], "sms": []}
    failures = {"web": 0, "sms": 0}
    for i in range(min(100, n)):  # warm-up: connections, statements, caches
        web(cnics[i % len(cnics)])
        sms(cnics[i % len(cnics)], i)
    for i in range(n):
        cnic = cnics[i % len(cnics)]
        for side in (("web", "sms") if i % 2 else ("sms", "web")):  # alternate which goes first
            started = time.perf_counter()
            status = web(cnic) if side == "web" else sms(cnic, i + 1000)
            timings[side].append((time.perf_counter() - started) * 1000)
            failures[side] += status != 200

    print(f"\n{households:,} households; {n} lookups each, interleaved; Flask test client, in process; "
          f"limits and job queue in {'Redis' if redis_url else 'memory (jobs inline)'}; {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}\n")
    print("| lookup | mean ms | p50 ms | p95 ms | p99 ms | non-200 |\n|---|---:|---:|---:|---:|---:|")
    for side, label in (("web", "web: htmx POST /status"), ("sms", "SMS: POST /sms/inbound (reply queued)")):
        values = timings[side]
        print(f"| {label} | {statistics.mean(values):.2f} | {_percentile(values, .5):.2f} | "
              f"{_percentile(values, .95):.2f} | {_percentile(values, .99):.2f} | {failures[side]} |")
    if redis_url:
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(redis_url)
        Queue(queue, connection=connection).empty()
        for key in connection.scan_iter(f"*{queue}*"):
            connection.delete(key)
    sms_p95, web_p95 = _percentile(timings["sms"], .95), _percentile(timings["web"], .95)
    ratio = statistics.median(timings["sms"]) / statistics.median(timings["web"])
    verdict = "PASS" if sms_p95 <= BUDGET_MS else "FAIL"
    print(f"\nSMS / web (median): {ratio:.2f}×. Budget: SMS lookup p95 ≤ {BUDGET_MS:.0f} ms: {verdict} "
          f"({sms_p95:.2f} ms; web p95 {web_p95:.2f} ms).")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
