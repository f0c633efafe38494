"""Where a status lookup's time goes, in process (Flask test client, no HTTP server): the full lookup, the
lookup without its audit write, and the framework alone (the service replaced by a fixed answer), each
side by side with GET /robots.txt. Run: .venv/bin/python bench/status_floor.py"""
from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/floor.sqlite3"
os.environ["STATUS_LOOKUP_LIMIT"] = "1000000 per minute"
os.environ.pop("REDIS_URL", None)
logging.disable(logging.INFO)

from flask_migrate import upgrade  # noqa: E402

import app.public.routes as routes  # noqa: E402
from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.areas import load_areas  # noqa: E402
from app.services.demo import ensure_demo_accounts  # noqa: E402
from app.services.status_lookup import StatusAnswer, _answer, lookup_status  # noqa: E402
from app.unit_of_work import service_context, unit_of_work  # noqa: E402

VARIANTS = {
    "full lookup (query + audit insert + commit)": lookup_status,
    "lookup without the audit write": lambda session, ctx, cnic, ip=None: _answer(session, cnic),
    "framework only (fixed answer, no database)": lambda session, ctx, cnic, ip=None: StatusAnswer(
        found=True, stage="registered", masked_name="A*** R***"
    ),
}


def main(n: int = 2000) -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        with unit_of_work(db.session) as session:
            load_areas(session)
            ensure_demo_accounts(session, service_context())
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/status").get_data(as_text=True)).group(1)
    headers = {"HX-Request": "true", "X-CSRFToken": token, "Accept-Encoding": "br"}

    def per_request(fn) -> float:
        for _ in range(100):
            fn()
        started = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - started) / n * 1000

    print("| variant | ms per lookup | ms per robots.txt | ratio |\n|---|---:|---:|---:|")
    for label, service in VARIANTS.items():
        routes.lookup_status = service
        lookup = per_request(lambda: client.post("/status", data={"cnic": "35202-1111111-1"}, headers=headers))
        trivial = per_request(lambda: client.get("/robots.txt"))
        print(f"| {label} | {lookup:.2f} | {trivial:.2f} | {trivial / lookup:.0%} |")


if __name__ == "__main__":
    main()
