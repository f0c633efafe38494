"""Fuzzy duplicate search at about 5 million members (PostgreSQL): the candidate search that runs on submit
(services.duplicates.find_candidates: district, name block, sex and birth years narrow; pg_trgm ranks), beside
an unnarrowed trigram search over the same rows (`name_key % key` through the GIN trigram index, every
district and year), in one run. Prints a markdown table.

Run from the project root, on a copy of the 1M-household database (never on pser_bench1m itself):

    psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE pser_bench_dupes TEMPLATE pser_bench1m"
    URL=postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_dupes
    # 1. at revision b1a0c2d3e4f5: add members set-based up to --members (the seed has ~3.5 per household)
    .venv/bin/python bench/fuzzy_duplicates.py grow $URL --members 5000000
    # 2. migrate: 0013 fills name_key, its blocks, birth_year and district_id set-based and builds the indexes
    DATABASE_URL=$URL .venv/bin/flask --app wsgi db upgrade
    # 3. measure
    .venv/bin/python bench/fuzzy_duplicates.py measure $URL --households 300 --unnarrowed 40
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

# Names as Punjab's registers hold them, a quarter written in Urdu script (same index, same name), so that the
# added members meet the seeded ones across scripts and spellings.
MALE = ("Muhammad Bilal", "Mohd Asif", "Ali Raza", "Ghulam Rasool", "Allah Ditta", "Muhammad Aslam", "Abdul Rehman",
        "Imran Khan", "Naveed Akhtar", "Zubair Ahmed", "Waseem Akram", "Sajjad Hussain", "Tahir Mehmood",
        "Riaz Ahmad", "Nazir Ahmed", "Bashir Ahmad", "Shahid Iqbal", "Umar Farooq", "Haider Ali", "Usman Ghani",
        "Hamza Yousaf", "Kashif Javed", "Faisal Qureshi", "Adeel Butt", "Rashid Mehmood", "Asad Abbas",
        "Mohammad Saleem", "Muhammed Arshad", "Tariq Aziz", "Zahid Hussain", "Khalid Mehmood", "Irfan Ali")
MALE_UR = ("محمد بلال", "محمد آصف", "علی رضا", "غلام رسول", "اللہ دتہ", "محمد اسلم", "عبدالرحمن", "عمران خان",
           "نوید اختر", "زبیر احمد", "وسیم اکرم", "سجاد حسین", "طاہر محمود", "ریاض احمد", "نذیر احمد", "بشیر احمد",
           "شاہد اقبال", "عمر فاروق", "حیدر علی", "عثمان غنی", "حمزہ یوسف", "کاشف جاوید", "فیصل قریشی", "عدیل بٹ",
           "راشد محمود", "اسد عباس", "محمد سلیم", "محمد ارشد", "طارق عزیز", "زاہد حسین", "خالد محمود", "عرفان علی")
FEMALE = ("Fatima Bibi", "Razia Begum", "Sughra Bibi", "Nasreen Akhtar", "Shamim Akhtar", "Rubina Kausar",
          "Shazia Parveen", "Ayesha Siddiqa", "Zainab Bibi", "Hira Naz", "Samina Yasmin", "Kiran Shahzadi",
          "Amna Batool", "Maryam Nawaz", "Saima Noreen", "Bushra Rani", "Rasheeda Bibi", "Khadija Bibi",
          "Kulsoom Akhtar", "Parveen Akhtar", "Sadia Naz", "Iqra Batool", "Mehwish Hayat", "Sana Fatima",
          "Nadia Rani", "Tahira Bibi", "Safia Begum", "Naseem Akhtar", "Bilqees Bibi", "Jameela Khatoon",
          "Mumtaz Begum", "Riffat Ara")
FEMALE_UR = ("فاطمہ بی بی", "رضیہ بیگم", "صغریٰ بی بی", "نسرین اختر", "شمیم اختر", "روبینہ کوثر", "شازیہ پروین",
             "عائشہ صدیقہ", "زینب بی بی", "حرا ناز", "ثمینہ یاسمین", "کرن شہزادی", "آمنہ بتول", "مریم نواز",
             "صائمہ نورین", "بشریٰ رانی", "رشیدہ بی بی", "خدیجہ بی بی", "کلثوم اختر", "پروین اختر", "سعدیہ ناز",
             "اقرا بتول", "مہوش حیات", "ثناء فاطمہ", "نادیہ رانی", "طاہرہ بی بی", "صفیہ بیگم", "نسیم اختر",
             "بلقیس بی بی", "جمیلہ خاتون", "ممتاز بیگم", "رفعت آرا")


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


GROW = f"""
INSERT INTO household_members (household_id, position, name, relation, sex, dob, age_years, disability,
                               chronic_illness, marital_status, can_read, education, employment)
SELECT m.household_id, m.position + 20,
       CASE WHEN x.sex = 'male' THEN (CASE WHEN x.urdu THEN {_array(MALE_UR)} ELSE {_array(MALE)} END)[x.pick]
            ELSE (CASE WHEN x.urdu THEN {_array(FEMALE_UR)} ELSE {_array(FEMALE)} END)[x.pick] END,
       'other_relative', x.sex,
       CASE WHEN x.has_dob THEN DATE '2026-01-01' - CAST(x.days AS integer) END,
       CASE WHEN x.has_dob THEN NULL ELSE CAST(x.days / 365 AS integer) END,
       'none', false, 'never_married', true, 'primary', 'unable'
FROM household_members AS m
CROSS JOIN LATERAL (SELECT CASE WHEN (CAST(m.id AS bigint) * 7) % 2 = 0 THEN 'male' ELSE 'female' END AS sex,
                           (CAST(m.id AS bigint) * 2654435761) % 32 + 1 AS pick, (CAST(m.id AS bigint) * 40503) % 4 = 0 AS urdu,
                           (CAST(m.id AS bigint) * 97) % 10 < 7 AS has_dob, (CAST(m.id AS bigint) * 7919) % 29000 AS days) AS x
WHERE m.id % :modulus < :take
"""


def grow(url: str, members: int) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        version = connection.scalar(text("SELECT version_num FROM alembic_version"))
        if version != "b1a0c2d3e4f5":
            sys.exit(f"grow before migrating to 0013 (the database is at {version})")
        have = connection.scalar(text("SELECT count(*) FROM household_members"))
        missing = members - have
        if missing <= 0:
            print(f"{have} members already")
            return
        modulus = 1000
        take = min(modulus, round(modulus * missing / have))
        started = time.perf_counter()
        connection.execute(text(GROW), {"modulus": modulus, "take": take})
        now = connection.scalar(text("SELECT count(*) FROM household_members"))
        print(f"{have} -> {now} members in {time.perf_counter() - started:.0f} s")


COUNTED = 5  # unnarrowed households whose matched rows are counted too


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(url: str, households: int, unnarrowed: int, markdown: str | None) -> None:
    from app import create_app
    from app.extensions import db
    from app.models import Household, HouseholdMember
    from app.services import duplicates
    from app.services.context import ServiceContext

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SMS_BACKEND": "console",
                      "SECRET_KEY": "bench-secret-key-with-enough-length-0123456789"})
    with app.app_context():
        session = db.session
        ctx = ServiceContext.from_config(app.config)
        total = session.scalar(text("SELECT count(*) FROM household_members"))
        lahore_household = session.scalar(text(
            "SELECT id FROM households WHERE status = 'submitted' AND district_id = "
            "(SELECT id FROM areas WHERE code = 'DST-LHR') ORDER BY id LIMIT 1"))
        household = session.get(Household, lahore_household)
        member = next(m for m in household.members if m.dob is not None)
        statement = duplicates._STATEMENTS[True]
        # The plan of one member's look-up, with that member's values.
        params = duplicates._search_parameters(member, household, ctx.now().date())
        compiled = statement.params(**params).compile(dialect=session.get_bind().dialect,
                                                      compile_kwargs={"render_postcompile": True})
        plan = "\n".join(row[0] for row in session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + compiled.string, compiled.params))
        session.rollback()
        ids = list(session.scalars(text(
            "SELECT id FROM households TABLESAMPLE SYSTEM (2) WHERE status = 'submitted' ORDER BY random() LIMIT :n"),
            {"n": households + 10}))
        session.rollback()
        searched, found, members_seen, recorded, in_lahore, elsewhere = [], 0, 0, [], [], []
        lahore = session.scalar(text("SELECT id FROM areas WHERE code = 'DST-LHR'"))
        for number, household_id in enumerate(ids):
            household = session.get(Household, household_id)
            started = time.perf_counter()
            candidates = duplicates.find_candidates(session, ctx, household)
            elapsed = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            duplicates.record_candidates(session, ctx, household)  # the submit's whole share, then undone
            session.flush()
            record_ms = (time.perf_counter() - started) * 1000
            session.rollback()
            if number < 10:
                continue  # warm-up
            searched.append(elapsed)
            (in_lahore if household.district_id == lahore else elsewhere).append(elapsed)
            recorded.append(record_ms)
            found += len(candidates)
            members_seen += len(household.members)
        # The unnarrowed search over the same rows: each member's key against every member of the registry
        # through the trigram index (threshold as the narrowed search's floor), best 20 as the narrowed keeps.
        session.execute(text(f"SET pg_trgm.similarity_threshold = {duplicates.SQL_NAME_FLOOR}"))
        session.execute(text("SET statement_timeout = '120s'"))
        wide, wide_rows = [], []
        for household_id in ids[10:10 + unnarrowed]:
            keys = session.execute(text("SELECT name_key FROM household_members WHERE household_id = :h "
                                        "AND name_key IS NOT NULL"), {"h": household_id}).scalars().all()
            spent, rows = 0.0, 0
            for key in keys:
                started = time.perf_counter()
                session.execute(text(
                    "SELECT id FROM household_members WHERE name_key % :k AND household_id <> :h "
                    "ORDER BY similarity(name_key, :k) DESC LIMIT 20"), {"k": key, "h": household_id}).all()
                spent += time.perf_counter() - started
                if len(wide) < COUNTED:  # how many rows the unnarrowed search matched (not timed)
                    rows += session.scalar(text(
                        "SELECT count(*) FROM household_members WHERE name_key % :k AND household_id <> :h"),
                        {"k": key, "h": household_id})
            if len(wide) < COUNTED:
                wide_rows.append(rows / max(1, len(keys)))
            wide.append(spent * 1000)
        session.rollback()
        session.rollback()

    lines = [
        f"Fuzzy duplicate search, PostgreSQL, {total:,} members, {len(searched)} submitted households "
        f"({members_seen / max(1, len(searched)):.1f} members each), after {10} warm-up households.",
        "",
        "| search | households | p50 ms | p95 ms | max ms | rows matched per member |",
        "|---|---:|---:|---:|---:|---:|",
        f"| narrowed: district + name block + sex + birth years, ranked by pg_trgm (find_candidates) | {len(searched)} | "
        f"{statistics.median(searched):.1f} | {_percentile(searched, 0.95):.1f} | {max(searched):.1f} | "
        f"{found / max(1, members_seen):.2f} kept |",
        f"| narrowed, Lahore households only (a third of the registry) | {len(in_lahore)} | "
        f"{statistics.median(in_lahore):.1f} | {_percentile(in_lahore, 0.95):.1f} | {max(in_lahore):.1f} | |",
        f"| narrowed, the other 40 districts | {len(elsewhere)} | "
        f"{statistics.median(elsewhere):.1f} | {_percentile(elsewhere, 0.95):.1f} | {max(elsewhere):.1f} | |",
        f"| the same, with the pairs written (record_candidates, rolled back) | {len(recorded)} | "
        f"{statistics.median(recorded):.1f} | {_percentile(recorded, 0.95):.1f} | {max(recorded):.1f} | |",
        f"| unnarrowed: `name_key % key` over every row (GIN trigram index), best 20 | {len(wide)} | "
        f"{statistics.median(wide):.1f} | {_percentile(wide, 0.95):.1f} | {max(wide):.1f} | "
        f"{statistics.mean(wide_rows):,.0f} |",
        "",
        f"Ratio of p95, unnarrowed / narrowed: {_percentile(wide, 0.95) / _percentile(searched, 0.95):.0f}x.",
        "",
        "Plan of one member's narrowed look-up (a member of a Lahore household, values bound):",
        "",
        "```",
        plan,
        "```",
    ]
    report = "\n".join(lines)
    print(report)
    if markdown:
        Path(markdown).write_text(report + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grow_cmd = commands.add_parser("grow")
    grow_cmd.add_argument("url")
    grow_cmd.add_argument("--members", type=int, default=5_000_000)
    measure_cmd = commands.add_parser("measure")
    measure_cmd.add_argument("url")
    measure_cmd.add_argument("--households", type=int, default=300)
    measure_cmd.add_argument("--unnarrowed", type=int, default=40)
    measure_cmd.add_argument("--markdown")
    args = parser.parse_args()
    if args.command == "grow":
        grow(args.url, args.members)
    else:
        measure(args.url, args.households, args.unnarrowed, args.markdown)


if __name__ == "__main__":
    main()
