"""Public statistics at scale, on PostgreSQL, side by side in one run:

- GET /stats through Flask with the cache cold on every request (STATS_CACHE_SECONDS=0: every request reads
  the summary tables and runs the suppression), and warm (the figures cached in the process), against the
  p95 ≤ 50 ms budget; /stats.json and one CSV the same way; the figures' reads and suppression alone;
- the first load's weight: the HTML as served with the app's compression (brotli, and gzip alone), plus the
  stylesheet, the script and the icon it links (their precompressed twins), against the 30 KiB budget;
- beside them, the raw GROUP BY over households that the summary tables replace, with the ratio.

It only reads the database (the suppression needs no write). Run it on your own migrated copy whose summaries
were rebuilt (`flask summaries rebuild`):
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_NAME \\
        .venv/bin/python bench/public_stats.py"""
from __future__ import annotations

import gzip
import logging
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.timing import p95, row, timed  # noqa: E402
URL = os.environ.get("BENCH_DATABASE_URL")
if not URL or not URL.startswith("postgresql"):
    sys.exit("set BENCH_DATABASE_URL to your own PostgreSQL copy (postgresql+psycopg://...)")
os.environ["DATABASE_URL"] = URL
os.environ.pop("DATABASE_READ_URL", None)
os.environ.pop("REDIS_URL", None)
logging.disable(logging.INFO)

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Household, HouseholdCount  # noqa: E402
from app.public.stats_routes import forget_public_stats  # noqa: E402
from app.services.public_stats import public_figures  # noqa: E402
from app.unit_of_work import service_context  # noqa: E402

RUNS, RAW_RUNS = 60, 5


def static_twin(client, url: str, encoding: str) -> int:
    """The bytes a browser receives for a linked static file (WhiteNoise serves the precompressed twin)."""
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200, url
    return len(response.get_data())


def main() -> None:
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    app = create_app()
    client = app.test_client()
    with app.app_context():
        households = db.session.scalar(select(func.sum(HouseholdCount.households)))
        raw = timed(lambda: (db.session.execute(select(Household.district_id, Household.status, func.count())
                                                .group_by(Household.district_id, Household.status)).all(),
                             db.session.rollback()), RAW_RUNS)
        reads = timed(lambda: (public_figures(db.session, service_context()), db.session.rollback()), RUNS)

    def get(path, **headers):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        return response

    results = {"reads": reads, "raw": raw}
    app.config["STATS_CACHE_SECONDS"] = 0
    results["page_cold"] = timed(lambda: get("/stats", **{"Accept-Encoding": "br, gzip"}), RUNS)
    results["json_cold"] = timed(lambda: get("/stats.json", **{"Accept-Encoding": "br, gzip"}), RUNS)
    results["csv_cold"] = timed(lambda: get("/stats/coverage.csv"), RUNS)
    app.config["STATS_CACHE_SECONDS"] = 300
    forget_public_stats(app)
    results["page_warm"] = timed(lambda: get("/stats", **{"Accept-Encoding": "br, gzip"}), RUNS)
    results["json_warm"] = timed(lambda: get("/stats.json", **{"Accept-Encoding": "br, gzip"}), RUNS)

    weights = {}
    for encoding in ("br, gzip", "gzip"):
        page = get("/stats", **{"Accept-Encoding": encoding})
        html = page.get_data()
        text = (gzip.decompress(html) if page.headers.get("Content-Encoding") == "gzip" else
                __import__("brotli").decompress(html) if page.headers.get("Content-Encoding") == "br" else html)
        links = re.findall(r'(?:href|src)="(/static/[^"]+)"', text.decode())
        assets = {url: static_twin(client, url, encoding) for url in links}
        weights[encoding] = (page.headers.get("Content-Encoding", "identity"), len(html), len(text), assets)

    print(f"load average before the run: {load_before}\n")
    print(f"PostgreSQL, {households:,} households (from household_counts)\n")
    print("| measure | median ms | p95 ms | budget |\n|---|---:|---:|---|")
    print(row("GET /stats, cache cold every request (summary reads + suppression + render)", results["page_cold"],
              "p95 ≤ 50 ms"))
    print(row("GET /stats, figures cached in the process", results["page_warm"], "p95 ≤ 50 ms"))
    print(row("GET /stats.json, cold", results["json_cold"], ""))
    print(row("GET /stats.json, cached", results["json_warm"], ""))
    print(row("GET /stats/coverage.csv, cold", results["csv_cold"], ""))
    print(row("figures alone: summary reads + suppression + audit, 5 tables", results["reads"], ""))
    print(row("raw GROUP BY households by district and status", results["raw"], "(comparison)"))
    raw_median = statistics.median(results["raw"])
    print(f"\nraw GROUP BY median / cold /stats p95: **{raw_median / p95(results['page_cold']):.1f}×**\n")
    print("| first load of /stats | encoding | HTML on the wire | HTML uncompressed | CSS + JS + icon | total | budget |")
    print("|---|---|---:|---:|---:|---:|---|")
    for encoding, (used, wire, plain, assets) in weights.items():
        total = wire + sum(assets.values())
        print(f"| Accept-Encoding: {encoding} | {used} | {wire / 1024:.1f} KiB | {plain / 1024:.1f} KiB | "
              f"{sum(assets.values()) / 1024:.1f} KiB ({len(assets)} files) | **{total / 1024:.1f} KiB** | ≤ 30 KiB |")


if __name__ == "__main__":
    main()
