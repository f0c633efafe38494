"""Re-scoring every verified household under a new model version (the `scoring.rescore` job: one UPDATE and one
INSERT … SELECT per batch of ids, the model compiled to SQL), beside a plain set-based UPDATE of the same rows,
in one run on PostgreSQL. Budget (issue 10): the re-score at >= 20% of the plain UPDATE's rows per second.

Settings (environment):
  BENCH_DATABASE_URL  postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_scoring  (a COPY of pser_bench1m,
                      upgraded to head, `flask facts refresh` and `flask seed` run on it; it is written to)
  BENCH_BATCH         20000   households per batch of the job
  BENCH_SAMPLE        2000    households whose SQL score is checked against the Python score afterwards

Prints a Markdown table. Run from the project root: .venv/bin/python bench/rescore.py"""
from __future__ import annotations

import copy
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_scoring")
BATCH = int(os.environ.get("BENCH_BATCH", "20000"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "2000"))
BUDGET = 0.20


def vacuum(url: str) -> float:
    started = time.perf_counter()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE households"))
        connection.execute(text("VACUUM ANALYZE household_scores"))
    engine.dispose()
    return time.perf_counter() - started


def main() -> int:
    from app import create_app
    from app.domain.scoring import ILLUSTRATIVE_DEFINITION, evaluate
    from app.extensions import db
    from app.jobs import enqueue
    from app.models import BackgroundJob, Household, HouseholdScore
    from app.services import scoring
    from app.unit_of_work import service_context, unit_of_work

    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "REDIS_URL": ""})
    with app.app_context():
        session = db.session
        ctx = service_context()
        version = f"bench-{int(time.time())}"
        changed = copy.deepcopy(ILLUSTRATIVE_DEFINITION)
        changed["indicators"][3]["weight"] = 2  # rooms per person count a little more
        with unit_of_work(session):
            row = scoring.create_model(session, ctx, version=version, effective_from=ctx.now().date(),
                                       definition=changed, notes="benchmark version")
            scoring.activate_model(session, ctx, row)
        model_id = row.id
        households = session.scalar(select(func.count()).select_from(Household).where(Household.status == "verified"))
        history_before = session.scalar(select(func.count()).select_from(HouseholdScore))
        session.remove()

        vacuum(DATABASE_URL)
        started = time.perf_counter()
        with db.engine.begin() as connection:
            plain = connection.execute(text("UPDATE households SET score = 50.00 WHERE status = 'verified'")).rowcount
        plain_seconds = time.perf_counter() - started

        vacuum(DATABASE_URL)
        started = time.perf_counter()
        with unit_of_work(db.session) as session:
            job = enqueue(session, "scoring.rescore", model_id=model_id, batch=BATCH)
        # Without REDIS_URL the job ran inline when the unit of work committed.
        rescore_seconds = time.perf_counter() - started
        session = db.session
        job = session.get(BackgroundJob, job.id)
        assert job.state == "done", job.error
        scored = job.result["scored"]
        history_after = session.scalar(select(func.count()).select_from(HouseholdScore))

        model = scoring.model_of(session.get(type(row), model_id))
        sample = session.scalars(select(Household).where(Household.status == "verified")
                                 .order_by(func.random()).limit(SAMPLE)).all()
        disagree = sum(1 for h in sample
                       if (lambda e: (e.score, e.band.key, model_id) != (h.score, h.score_band, h.score_model_id))(
                           evaluate(model, scoring.household_values(h))))
        distribution = scoring.score_distribution(session)

    plain_rate = plain / plain_seconds
    rescore_rate = scored / rescore_seconds
    ratio = rescore_rate / plain_rate
    print(f"## Re-scoring {households:,} verified households (PostgreSQL, batches of {BATCH:,})\n")
    print("| what | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    print(f"| plain `UPDATE households SET score = 50 WHERE status = 'verified'` (one statement) | {plain:,} | "
          f"{plain_seconds:.1f} | {plain_rate:,.0f} |")
    print(f"| `scoring.rescore` job: model compiled to SQL, UPDATE + history INSERT … SELECT per batch, "
          f"progress saved per batch, score distribution rebuilt | {scored:,} | {rescore_seconds:.1f} | {rescore_rate:,.0f} |")
    print(f"\nRatio re-score / plain UPDATE: **{ratio:.2f}** (budget >= {BUDGET:.2f}: "
          f"{'PASS' if ratio >= BUDGET else 'FAIL'}). History rows added: {history_after - history_before:,}.")
    print(f"SQL score = Python score for {len(sample) - disagree:,} of {len(sample):,} sampled households "
          f"({'PASS' if disagree == 0 else 'FAIL'}).")
    print("\nBands after the re-score: " + ", ".join(f"{b.label_en} {b.households:,}" for b in distribution.bands))
    return 0 if ratio >= BUDGET and disagree == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
