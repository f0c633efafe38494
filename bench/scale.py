"""Every page at the registry's size: `make bench-scale` loads households into a fresh PostgreSQL database
with the portal's own loader (`flask seed-demo`), growing to each size in BENCH_SIZES, and at each size
measures the pages of issue 7's table in process (Flask test client, signed in as the demo accounts):
median and p95 latency, SQL statements per request, peak Python memory per request (tracemalloc), page
size; and, as processes of their own, the load rate and `flask escalate` (time, statements, peak RSS).

Settings (environment):
  BENCH_DATABASE_URL  postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench  (DROPPED and re-created)
  BENCH_SIZES         10000,1000000   households after each load step (each step adds the difference)
  BENCH_REQUESTS      40              timed requests per page and size (after 3 untimed)
  BENCH_MEMORY_REQUESTS 3             requests per page under tracemalloc (the largest peak is reported)
  BENCH_KEEP=1        keep the database afterwards (default: keep; BENCH_DROP=1 drops it at the end)

Writes the Markdown report to stdout and to bench/results/scale-<date>.md. The pages are a plain list of
PAGES entries (name, role, method, url, data) whose {placeholders} come from the loaded data (FACTS)."""
from __future__ import annotations

import json
import logging
import os
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
RESULTS = ROOT / "bench" / "results"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,1000000").split(",") if s.strip()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "3"))
WARMUP = 3

# Budgets of issue 7, at the largest size.
BUDGET_P95_MS = 100.0
BUDGET_GROWTH = 2.0
BUDGET_PEAK_MB = 50.0

# The demo accounts of app/services/demo.py (`flask seed-demo`).
DEMO_PASSWORD = "Punjab-Demo-2026"
ACCOUNTS = {"enumerator": "35202-2222222-3", "supervisor": "35202-3333333-5", "helpdesk": "35202-4444444-6",
            "admin": "35202-5555555-7", "citizen": "35202-1111111-1"}


@dataclass(frozen=True)
class Page:
    """One page of the table: who asks, how, and with what. {name} in url/data is filled from FACTS."""

    name: str
    role: str | None  # None: an anonymous visitor
    method: str
    url: str
    data: dict | None = None
    htmx: bool = False


PAGES = [
    Page("helpdesk dashboard", "helpdesk", "GET", "/helpdesk/dashboard"),
    Page("enumerator home (Lahore)", "enumerator", "GET", "/enumerator/"),
    Page("enumerator CNIC search", "enumerator", "POST", "/enumerator/", {"q": "{cnic_prefix}"}, htmx=True),
    Page("supervisor home (after escalate)", "supervisor", "GET", "/supervisor/"),
    Page("admin home", "admin", "GET", "/admin/"),
    Page("/status lookup", None, "POST", "/status", {"cnic": "{citizen_cnic}"}, htmx=True),
    Page("complaint tracking", None, "POST", "/complaints/track",
         {"tracking_no": "{tracking_no}", "cnic": "{complaint_cnic}"}, htmx=True),
    Page("helpdesk queue", "helpdesk", "GET", "/helpdesk/"),
    Page("questionnaire section (housing)", "enumerator", "GET", "/enumerator/households/{draft_household}/housing"),
]

# Values for the placeholders, read from the loaded database (the newest rows: the ones a size step added).
FACTS = {
    "citizen_cnic": "SELECT cnic FROM users WHERE role = 'citizen' AND household_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    "cnic_prefix": "SELECT left(h.head_cnic, 7) FROM households h JOIN areas a ON a.id = h.area_id "
                   "LEFT JOIN areas d ON d.id = a.parent_id "
                   "WHERE 'Lahore' IN (a.name_en, d.name_en) ORDER BY h.id DESC LIMIT 1",
    "tracking_no": "SELECT tracking_no FROM complaints ORDER BY id DESC LIMIT 1",
    "complaint_cnic": "SELECT cnic FROM complaints ORDER BY id DESC LIMIT 1",
    "draft_household": "SELECT h.id FROM households h JOIN areas a ON a.id = h.area_id "
                       "LEFT JOIN areas d ON d.id = a.parent_id "
                       "WHERE h.status = 'draft' AND 'Lahore' IN (a.name_en, d.name_en) ORDER BY h.id DESC LIMIT 1",
}


# --- the database -------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_READ_URL")}
    env.update({"DATABASE_URL": DATABASE_URL, "SMS_BACKEND": "console", "PSER_ENV": "development"})
    return env


def fresh_database() -> None:
    url = make_url(DATABASE_URL)
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("bench/scale.py measures PostgreSQL: set BENCH_DATABASE_URL=postgresql+psycopg://…")
    admin = create_engine(url.set(database=os.environ.get("BENCH_ADMIN_DATABASE", "postgres")),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def flask(*args: str) -> tuple[float, float, str]:
    """Run `flask --app wsgi ARGS` as its own process: (seconds, peak RSS in MB, output)."""
    started = time.perf_counter()
    proc = subprocess.Popen(FLASK + list(args), cwd=ROOT, env=environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def escalate_counted() -> dict:
    """`flask escalate` in a child process that counts its SQL statements (this script, --escalate-child)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--escalate-child"], cwd=ROOT, env=environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"escalate failed:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["seconds"] = seconds
    return result


def escalate_child() -> None:
    import resource

    logging.disable(logging.INFO)
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        counter = StatementCounter(db.engine)
    started = time.perf_counter()
    outcome = app.test_cli_runner().invoke(args=["escalate"])
    if outcome.exit_code:
        raise SystemExit(f"escalate: {outcome.output}\n{outcome.exception!r}")
    print(json.dumps({"output": outcome.output.strip(), "statements": counter.count,
                      "command_seconds": time.perf_counter() - started,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def seed_demo_argument(engine, size: int, loaded: int) -> int:
    """`seed-demo --households N`: with the bulk loader (households keyed by `import_key`) N is how many demo
    households exist afterwards; before it, N was how many to add."""
    keyed = scalar(engine, "SELECT count(*) FROM information_schema.columns "
                           "WHERE table_name = 'households' AND column_name = 'import_key'")
    return size if keyed else size - loaded


def scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def sizes_of_tables(engine) -> list[tuple[str, int, int, int]]:
    """(table, rows, heap + TOAST bytes, index bytes) of every table of the portal, largest first."""
    sql = """SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY pg_total_relation_size(c.oid) DESC"""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


# --- measuring pages ----------------------------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements an engine sends (every cursor execute, including the session's)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


@dataclass
class PageResult:
    page: Page
    status: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    statements: int = 0
    peak_mb: float = 0.0
    kib: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class Visitor:
    """A test client with the CSRF token of its last page, signed in as a demo account (or anonymous)."""

    def __init__(self, app, role: str | None):
        self.client = app.test_client()
        self.client.set_cookie("pser_lang", "en")
        self.token = self._token("/login" if role else "/status")
        if role:
            answer = self.client.post("/login", data={"csrf_token": self.token, "cnic": ACCOUNTS[role],
                                                       "password": DEMO_PASSWORD})
            if answer.status_code != 302:
                raise SystemExit(f"sign-in as the demo {role} answered {answer.status_code}")
            self.token = self._token("/me" if role == "citizen" else "/")

    def _token(self, path: str) -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = CSRF.search(page)
        if not match:
            raise SystemExit(f"no CSRF token on {path}")
        return match.group(1) or match.group(2)

    def request(self, page: Page, facts: dict):
        url = page.url.format(**facts)
        headers = {"HX-Request": "true"} if page.htmx else {}
        if page.method == "GET":
            return self.client.get(url, headers=headers)
        data = {k: v.format(**facts) for k, v in (page.data or {}).items()}
        return self.client.post(url, data={"csrf_token": self.token, **data},
                                headers={**headers, "X-CSRFToken": self.token})


def measure_pages(app, counter: StatementCounter, facts: dict) -> list[PageResult]:
    visitors: dict[str | None, Visitor] = {}
    results = []
    for page in PAGES:
        visitor = visitors.get(page.role) or visitors.setdefault(page.role, Visitor(app, page.role))
        result = PageResult(page)
        for _ in range(WARMUP):
            visitor.request(page, facts)
        statements = []
        for _ in range(REQUESTS):
            before = counter.count
            started = time.perf_counter()
            answer = visitor.request(page, facts)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            statements.append(counter.count - before)
            result.status = answer.status_code
            result.kib = len(answer.get_data()) / 1024
        result.statements = max(statements)
        tracemalloc.start()
        for _ in range(MEMORY_REQUESTS):
            tracemalloc.reset_peak()
            visitor.request(page, facts)
            result.peak_mb = max(result.peak_mb, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        print(f"  {page.name}: median {result.median:.1f} ms, p95 {result.p95:.1f} ms, {result.statements} SQL, "
              f"{result.peak_mb:.1f} MB, {result.status}", file=sys.stderr)
        results.append(result)
    return results


# --- the run ------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    households: int  # the size asked for
    in_database: int  # households counted after the load (the demo citizen's own household is one more)
    load_seconds: float
    load_added: int
    load_rss_mb: float
    analyze_seconds: float
    escalate: dict
    pages: list[PageResult]
    tables: list[tuple[str, int, int, int]]
    facts: dict


def make_app():
    from app import create_app

    logging.disable(logging.INFO)
    os.environ.update(environment())
    return create_app({"RATELIMIT_ENABLED": False})  # one address asks thousands of times: limits off


def run() -> list[SizeResult]:
    from app.extensions import db

    print(f"fresh database {make_url(DATABASE_URL).database} ...", file=sys.stderr)
    fresh_database()
    flask("db", "upgrade")
    flask("seed")
    engine = create_engine(DATABASE_URL)
    app = make_app()
    with app.app_context():
        counter = StatementCounter(db.engine)
    results = []
    for size in SIZES:
        before = scalar(engine, "SELECT count(*) FROM households")
        print(f"loading {size - before:,} households (to {size:,}) ...", file=sys.stderr)
        seconds, rss, _ = flask("seed-demo", "--households", str(seed_demo_argument(engine, size, before)))
        after = scalar(engine, "SELECT count(*) FROM households")
        add = after - before
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        analyze = time.perf_counter() - started
        print(f"  {add / seconds:,.0f} households/s; escalate ...", file=sys.stderr)
        escalated = escalate_counted()
        facts = {name: scalar(engine, sql) for name, sql in FACTS.items()}
        print(f"  {escalated['output']}; pages ({facts}) ...", file=sys.stderr)
        with app.app_context():
            db.engine.dispose()  # no connection kept from before the load
        pages = measure_pages(app, counter, facts)
        results.append(SizeResult(size, after, seconds, add, rss, analyze, escalated, pages, sizes_of_tables(engine), facts))
    engine.dispose()
    with app.app_context():
        db.engine.dispose()
    if os.environ.get("BENCH_DROP") == "1":
        url = make_url(DATABASE_URL)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()
    return results


# --- the report ---------------------------------------------------------------------------------


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def report(results: list[SizeResult], started: datetime) -> str:
    import platform

    first, last = results[0], results[-1]
    lines = [
        f"# Pages at scale ({started:%Y-%m-%d %H:%M} UTC, `make bench-scale`)",
        "",
        f"- PostgreSQL `{make_url(DATABASE_URL).database}` on {make_url(DATABASE_URL).host}, loaded by "
        f"`flask seed-demo`, then `VACUUM ANALYZE`; sizes {', '.join(f'{r.households:,}' for r in results)} households",
        f"- In process (Flask test client, no HTTP server), signed in as the demo accounts; {REQUESTS} timed "
        f"requests per page after {WARMUP} untimed; peak Python memory is tracemalloc's over "
        f"{MEMORY_REQUESTS} more requests; rate limits off",
        f"- Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}; shared and noisy, so read ratios rather than absolute figures",
        "",
        "## Pages, side by side",
        "",
        "| page | " + " | ".join(f"{r.households:,}: median / p95 | SQL | peak | page" for r in results)
        + f" | growth of p95 | budget (p95 ≤ {BUDGET_P95_MS:.0f} ms, ≤ {BUDGET_GROWTH:g}×, ≤ {BUDGET_PEAK_MB:.0f} MB) |",
        "|---|" + "---:|---:|---:|---:|" * len(results) + "---:|---|",
    ]
    for i, page in enumerate(PAGES):
        cells = []
        for r in results:
            p = r.pages[i]
            status = "" if p.status == 200 else f" ({p.status})"
            cells.append(f"{p.median:.1f} / {p.p95:.1f} ms{status} | {p.statements} | {p.peak_mb:.1f} MB | "
                         f"{p.kib:,.1f} KiB")
        a, b = first.pages[i], last.pages[i]
        growth = b.p95 / a.p95 if a.p95 else float("nan")
        ok = b.p95 <= BUDGET_P95_MS and growth <= BUDGET_GROWTH and b.peak_mb <= BUDGET_PEAK_MB and b.status == 200
        lines.append(f"| {page.name} | " + " | ".join(cells) + f" | {growth:.2f}× | {'pass' if ok else '**fail**'} |")
    lines += [
        "",
        "## Loading and escalation",
        "",
        "| size | households in the database | `seed-demo` households added | seconds | households/s | loader peak RSS | `VACUUM ANALYZE` | "
        "`flask escalate` | statements | escalate peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        e = r.escalate
        lines.append(f"| {r.households:,} | {r.in_database:,} | {r.load_added:,} | {r.load_seconds:,.1f} | "
                     f"{r.load_added / r.load_seconds:,.0f} | {r.load_rss_mb:,.0f} MB | {r.analyze_seconds:.1f} s | "
                     f"{e['command_seconds']:.2f} s ({e['output']}) | {e['statements']:,} | {e['peak_rss_mb']:,.0f} MB |")
    lines += ["", "## Table and index sizes", ""]
    names = [t[0] for t in last.tables]
    lines.append("| table | " + " | ".join(f"{r.households:,}: rows | table | indexes" for r in results) + " |")
    lines.append("|---|" + "---:|---:|---:|" * len(results))
    for name in names:
        cells = []
        for r in results:
            row = next((t for t in r.tables if t[0] == name), (name, 0, 0, 0))
            cells.append(f"{max(row[1], 0):,} | {mib(row[2])} | {mib(row[3])}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    previous = None
    for r in results:
        total = sum(t[2] + t[3] for t in r.tables)
        line = (f"\nAt {r.households:,} households the database holds {mib(total)} "
                f"({total / r.households:,.0f} bytes per household, all tables and indexes")
        if previous:
            grown = (total - previous[1]) / (r.households - previous[0])
            line += f"; {grown:,.0f} bytes per household added since {previous[0]:,}"
        lines.append(line + ").")
        previous = (r.households, total)
    lines += ["", "Placeholders used (the newest rows at each size): " +
              "; ".join(f"{r.households:,}: " + ", ".join(f"{k}={v}" for k, v in r.facts.items()) for r in results)]
    return "\n".join(lines)


def main() -> int:
    if "--escalate-child" in sys.argv:
        escalate_child()
        return 0
    started = datetime.now(timezone.utc)
    results = run()
    text_ = report(results, started)
    print(text_)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scale-{started:%Y-%m-%d-%H%M}.md"
    path.write_text(text_ + "\n", encoding="utf-8")
    print(f"written to {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
