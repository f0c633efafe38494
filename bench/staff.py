"""Scheduling a district's survey at scale: the set-based batches of services.schedules (guarded UPDATE …
RETURNING, status-change rows, summary deltas, one INSERT … SELECT of SMS per language) side by side with the
obvious per-household ORM loop (move, history row, one notifier call each), on the same district, each run
rolled back so the next starts from the same rows; plus the reads a citizen's page and a supervisor's request
add (the area's schedule, today's announcements, a three-area supervisor's scope).

Run on a COPY of a seeded database (never the shared one):
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_NAME .venv/bin/python bench/staff.py
Prints a markdown table."""
from __future__ import annotations

import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.pop("REDIS_URL", None)
logging.disable(logging.INFO)

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from app.domain.household_status import HouseholdStatus  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Household, SurveySchedule, User, UserArea  # noqa: E402
from app.services.announcements import current_announcements  # noqa: E402
from app.services.areas import find_area  # noqa: E402
from app.services.questionnaire import _in_area, _move  # noqa: E402
from app.services.schedules import SCHEDULE_SMS, schedule_batch, schedule_for_area  # noqa: E402
from app.services.staff_scope import HOUSEHOLDS, staff_scope  # noqa: E402
from app.unit_of_work import service_context  # noqa: E402

DISTRICT = os.environ.get("BENCH_DISTRICT", "Lahore")
PER_ROW_SAMPLE = int(os.environ.get("BENCH_PER_ROW", "2000"))


def _schedule(session: Session, ctx, area_id: int) -> SurveySchedule:
    today = ctx.now().date()
    schedule = SurveySchedule(area_id=area_id, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=9),
                              message_ur="پیغام", message_en="Message", created_at=ctx.now())
    session.add(schedule)
    session.flush()
    return schedule


def set_based(engine, ctx, area_id: int, batch: int) -> tuple[int, float]:
    with Session(engine) as session:
        schedule = _schedule(session, ctx, area_id)
        started, moved = time.perf_counter(), 0
        while n := schedule_batch(session, ctx, schedule.id, limit=batch):
            moved += n
        elapsed = time.perf_counter() - started
        session.rollback()
    return moved, elapsed


def per_row(engine, ctx, area_id: int, limit: int) -> tuple[int, float]:
    """What a loop over ORM objects would do: load, move, write the history row, queue the SMS, one by one."""
    with Session(engine) as session:
        schedule = _schedule(session, ctx, area_id)
        started = time.perf_counter()
        households = session.scalars(select(Household).where(_in_area(session, area_id),
                                                             Household.status == HouseholdStatus.REGISTERED)
                                     .limit(limit)).all()
        for household in households:
            _move(session, household, HouseholdStatus.SCHEDULED, None, f"survey schedule {schedule.id}")
            citizen = session.scalars(select(User).where(User.household_id == household.id)).first()
            if citizen is not None and citizen.mobile:
                ctx.notifier.send_sms(session, citizen.mobile, SCHEDULE_SMS, locale=citizen.locale or "ur",
                                      purpose="survey_schedule", area="Lahore", start="01-01-2027", end="09-01-2027")
            session.flush()
        elapsed = time.perf_counter() - started
        session.rollback()
    return len(households), elapsed


def timed(fn, n: int = 200) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1000


def main() -> None:
    app = create_app()
    with app.app_context():
        engine, ctx = db.engine, service_context()
        with Session(engine) as session:
            district = find_area(session, DISTRICT)
            district_id = district.id
            waiting = session.scalar(select(func.count()).select_from(Household).where(
                _in_area(session, district.id), Household.status == HouseholdStatus.REGISTERED))
            total = session.scalar(select(func.count()).select_from(Household))
        rows = [("households in the database", f"{total:,}", ""),
                (f"registered households in {DISTRICT}", f"{waiting:,}", "")]
        results = {}
        for batch in (1000, 5000):
            moved, elapsed = set_based(engine, ctx, district_id, batch)
            results[batch] = moved / elapsed
            rows.append((f"set-based, batches of {batch}: {moved:,} moved + SMS queued", f"{elapsed:.1f} s",
                         f"{moved / elapsed:,.0f} households/s"))
            print(rows[-1], file=sys.stderr, flush=True)
        moved, elapsed = per_row(engine, ctx, district_id, PER_ROW_SAMPLE)
        rate = moved / elapsed
        rows.append((f"per-household ORM loop: {moved:,} moved + SMS queued", f"{elapsed:.1f} s",
                     f"{rate:,.0f} households/s"))
        rows.append(("set-based (1000) / per-row speed", f"{results[1000] / rate:.0f}×", ""))
        rows.append((f"per-row loop for all of {DISTRICT} (extrapolated)", f"{waiting / rate:.0f} s", ""))

        with Session(engine) as session:
            district = find_area(session, DISTRICT)
            tehsil = next(a for a in district.children if a.level == "tehsil")
            schedule = _schedule(session, ctx, district.id)
            session.flush()
            today = ctx.now().date()
            rows.append(("schedule for a tehsil (the partial on /, /status, /me)",
                         f"{timed(lambda: schedule_for_area(session, tehsil.id, today)):.2f} ms", ""))
            rows.append(("today's announcements (uncached query)",
                         f"{timed(lambda: current_announcements(session, today)):.2f} ms", ""))
            one = User(cnic="35202-0000000-1", full_name="Bench", role=Role.SUPERVISOR, password_hash="x",
                       area_id=district.id)
            session.add(one)
            session.flush()
            single = timed(lambda: staff_scope(session, one, HOUSEHOLDS), 2000)
            for name in ("Kasur", "Sheikhupura"):
                session.add(UserArea(user_id=one.id, area_id=find_area(session, name).id))
            session.flush()
            three = timed(lambda: staff_scope(session, one, HOUSEHOLDS), 2000)
            rows.append(("supervisor scope, one area", f"{single:.3f} ms", ""))
            rows.append(("supervisor scope, three districts (user_areas)", f"{three:.3f} ms",
                         f"{three / single:.1f}× one area"))
            session.rollback()
    print("| measure | value | rate |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
