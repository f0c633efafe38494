"""Benchmark of the PSER portal: page weights and throughput, against a real gunicorn on 127.0.0.1.

Run from the project root with `make bench` (or `.venv/bin/python bench/run.py`). The script:

1. builds a fresh SQLite database in a temporary directory (migrations, areas, 2000 demo households);
2. starts gunicorn (2 workers x 4 threads, production settings) on a free loopback port;
3. measures what a visitor downloads for /status: first visit, repeat visit, and the htmx answer;
4. signs in as the demo enumerator, starts a household, and measures the first load of two questionnaire
   sections (housing, members), the requests on their critical path, and the htmx answers of a member add
   and of a section save;
5. compares requests per second of a trivial route (/robots.txt), of status lookups (POST /status) and of
   questionnaire section saves (POST …/housing), in alternating rounds;
6. prints a Markdown report, writes it to bench/results/latest.md, and exits 1 if a budget is missed.

Only the standard library is used, plus `brotli` (installed with the app) to read brotli answers, and the
questionnaire answers of tests/survey_helpers.py (plain data, so the benchmark sends what the tests send).
"""
from __future__ import annotations

import argparse
import gzip
import html.parser
import http.client
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results" / "latest.md"
HOST = "127.0.0.1"
ACCEPT_ENCODING = "br, gzip"

KIB = 1024
YEAR = 365 * 24 * 3600
BUDGET_FIRST_VISIT = 30 * KIB
BUDGET_REPEAT_VISIT = 8 * KIB
BUDGET_FRAGMENT = 2 * KIB
BUDGET_RATIO = 0.40
BUDGET_SECTION_FIRST_LOAD = 40 * KIB  # HTML + CSS + JS of a questionnaire section, fonts excluded
BUDGET_CRITICAL_REQUESTS = 3  # HTML + stylesheet + scripts of a questionnaire section
BUDGET_SURVEY_FRAGMENT = 5 * KIB  # htmx answer of a member add or a section save

CSRF_IN_PAGE = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')
FORM = "application/x-www-form-urlencoded"

# The demo enumerator of app/services/demo.py (`flask seed-demo`), whose area is Lahore.
ENUMERATOR_CNIC = "35202-2222222-3"
DEMO_PASSWORD = "Punjab-Demo-2026"

# Valid answers, as the test suite sends them: the head of household, and the housing section.
sys.path.insert(0, str(ROOT / "tests"))
from survey_helpers import HEAD, HOUSING  # noqa: E402


# --- results ------------------------------------------------------------------------------------


@dataclass
class Check:
    """One figure held against its budget."""

    name: str
    measured: str
    budget: str
    passed: bool


@dataclass
class Report:
    """Everything the Markdown report shows, filled in as the benchmark goes."""

    checks: list[Check] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (name, measured): no budget, no verdict
    sections: list[str] = field(default_factory=list)

    def check(self, name: str, measured: str, budget: str, passed: bool) -> None:
        self.checks.append(Check(name, measured, budget, passed))

    def figure(self, name: str, measured: str) -> None:
        self.figures.append((name, measured))

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def kib(n: int) -> str:
    """Bytes as KiB with one decimal."""
    return f"{n / KIB:.1f} KiB"


# --- the server under test ----------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# As `make serve` runs it; BENCH_GUNICORN_ARGS tries another set-up ("--workers 3 --threads 1").
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "--workers 2 --threads 4").split()


def bench_environment(tmp: Path, database_url: str | None = None, redis_url: str | None = None) -> dict[str, str]:
    """Production settings on a throwaway database, with the per-IP limits raised for one busy client.
    By default SQLite in `tmp` and in-memory limits; or a PostgreSQL database (dropped and re-created) and
    Redis-backed limits (under a key prefix of this run's own), the production set-up."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # in-memory limiter unless asked: the figures must not depend on a local Redis
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["RATELIMIT_KEY_PREFIX"] = f"pser-bench-{secrets.token_hex(4)}"
    env.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(36)[:48],
            "PSER_ENV": "production",
            "STATUS_LOOKUP_LIMIT": "1000000 per minute",
            "LOGIN_LIMIT": "1000000 per minute",
            "REGISTER_LIMIT": "1000000 per minute",
            "SMS_BACKEND": "outbox",
        }
    )
    env.pop("DATABASE_READ_URL", None)
    return env


def fresh_postgres_database(url: str) -> None:
    """DROP and CREATE the benchmark's PostgreSQL database (never point this at a database you keep)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def forget_limits(redis_url: str, prefix: str) -> None:
    """Remove this run's rate-limit counters from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def prepare_database(env: dict[str, str], households: int) -> float:
    """Migrate and seed the fresh database; return the seconds it took."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    started = time.perf_counter()
    for args in (["db", "upgrade"], ["seed"], ["seed-demo", "--households", str(households)]):
        done = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise SystemExit(f"`flask {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def start_gunicorn(env: dict[str, str], port: int, log: Path, extra_args: tuple[str, ...] = ()) -> subprocess.Popen:
    """Start gunicorn as `make serve` does (without access log) and wait until /healthz answers 200."""
    out = log.open("wb")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", *GUNICORN_ARGS, *extra_args, "wsgi:app"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )
    out.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(proc)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s:\n{log.read_text(errors='replace')[-3000:]}")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM to the master we started), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def process_tree_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU time (user + system) of a process and of each direct child, from /proc: {pid: seconds}."""
    tick = os.sysconf("SC_CLK_TCK")
    times: dict[int, float] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return times
    for entry in entries:
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) "
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry) == pid or ppid == pid:
            times[int(entry)] = (utime + stime) / tick
    return times


# --- a visitor ----------------------------------------------------------------------------------


@dataclass
class Answer:
    """One HTTP response as it crossed the wire: the body still compressed, and the header size."""

    status: int
    headers: http.client.HTTPMessage
    raw: bytes
    header_bytes: int

    @property
    def encoding(self) -> str:
        return (self.headers.get("Content-Encoding") or "identity").strip().lower()

    def text(self) -> str:
        """The body decoded according to Content-Encoding."""
        if self.encoding == "br":
            data = brotli.decompress(self.raw)
        elif self.encoding == "gzip":
            data = gzip.decompress(self.raw)
        else:
            data = self.raw
        return data.decode("utf-8")


def header_size(resp: http.client.HTTPResponse) -> int:
    """Bytes of the status line and the headers (with their CRLFs and the blank line)."""
    version = "HTTP/1.1" if resp.version == 11 else "HTTP/1.0"
    lines = [f"{version} {resp.status} {resp.reason}"] + [f"{k}: {v}" for k, v in resp.getheaders()]
    return len(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


class Browser:
    """A visitor with one keep-alive connection, a real cookie jar and a modern Accept-Encoding.

    In production the session cookie is `Secure`. The benchmark speaks plain HTTP on the loopback, as a
    TLS-terminating proxy would, so the jar is told to treat http as secure; otherwise it would drop it.
    """

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.jar = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    def cookie_header(self, path: str = "/") -> str | None:
        """The Cookie header the jar would send for `path`."""
        request = urllib.request.Request(f"http://{HOST}:{self.port}{path}")
        self.jar.add_cookie_header(request)
        return request.get_header("Cookie")

    def fetch(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        request = urllib.request.Request(f"http://{HOST}:{self.port}{path}", method=method)
        self.jar.add_cookie_header(request)
        sent = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        if cookie := request.get_header("Cookie"):
            sent["Cookie"] = cookie
        self.conn.request(method, path, body=body, headers=sent)
        resp = self.conn.getresponse()
        raw = resp.read()
        self.jar.extract_cookies(resp, request)
        return Answer(resp.status, resp.headers, raw, header_size(resp))

    def close(self) -> None:
        self.conn.close()


class AssetLinks(html.parser.HTMLParser):
    """Collects the stylesheets, scripts and icons a page links to, in document order."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.assets.append(("CSS", a["href"]))
        elif tag == "link" and "icon" in rel and a.get("href"):
            self.assets.append(("icon", a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("JS", a["src"]))


def csrf_token(page: str) -> str:
    """The CSRF token that htmx sends, from the body's hx-headers."""
    match = CSRF_IN_PAGE.search(page)
    if not match:
        raise SystemExit("no X-CSRFToken in the page's hx-headers")
    return match.group(1)


def lookup_request(token: str, cnic: str, cookie: str | None) -> tuple[bytes, dict[str, str]]:
    """Body and headers of the htmx status lookup, as htmx sends it (form fields, token header)."""
    body = urllib.parse.urlencode({"csrf_token": token, "cnic": cnic}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "HX-Target": "status-result",
        "X-CSRFToken": token,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    if cookie:
        headers["Cookie"] = cookie
    return body, headers


# --- an enumerator ------------------------------------------------------------------------------


def hidden_field(page: str, name: str, required: bool = True) -> str | None:
    """The value of a hidden input as WTForms renders it (`name="…" type="hidden" value="…"`)."""
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    if not match:
        if not required:
            return None
        raise SystemExit(f"no hidden {name} in the page: {page[:300]!r}")
    return match.group(1)


def versioned_fields(page: str) -> dict[str, str]:
    """The hidden fields a questionnaire save must carry: CSRF token, household version, one-time key."""
    return {name: hidden_field(page, name) for name in ("csrf_token", "version", "idempotency_key")}


def survey_post(fields: dict, answers: dict, target: str, cookie: str | None = None) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a questionnaire form posted by htmx: the form's fields, the token header."""
    body = urllib.parse.urlencode({**fields, **answers}, doseq=True).encode()
    headers = {
        "Content-Type": FORM,
        "HX-Request": "true",
        "HX-Target": target,
        "X-CSRFToken": fields["csrf_token"],
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    if cookie:
        headers["Cookie"] = cookie
    return body, headers


def sign_in_enumerator(port: int) -> Browser:
    """A browser signed in as the demo enumerator (plain form post, as without JavaScript)."""
    browser = Browser(port)
    page = browser.fetch("GET", "/login")
    body = urllib.parse.urlencode(
        {"csrf_token": hidden_field(page.text(), "csrf_token"), "cnic": ENUMERATOR_CNIC, "password": DEMO_PASSWORD}
    ).encode()
    answer = browser.fetch("POST", "/login", body=body, headers={"Content-Type": FORM})
    if answer.status != 302 or not browser.cookie_header("/enumerator/"):
        raise SystemExit(f"enumerator sign-in answered {answer.status}: {answer.text()[:300]!r}")
    return browser


def start_household(browser: Browser, head_cnic: str) -> str:
    """Start a household at the door (POST /enumerator/households); return /enumerator/households/<id>."""
    home = browser.fetch("GET", "/enumerator/")
    if home.status != 200:
        raise SystemExit(f"GET /enumerator/ answered {home.status}")
    body = urllib.parse.urlencode({"csrf_token": hidden_field(home.text(), "csrf_token"), "head_cnic": head_cnic})
    answer = browser.fetch("POST", "/enumerator/households", body=body.encode(), headers={"Content-Type": FORM})
    location = answer.headers.get("Location", "")
    if answer.status != 302 or not location:
        raise SystemExit(f"starting a household answered {answer.status}: {answer.text()[:300]!r}")
    return urllib.parse.urlsplit(location).path.rsplit("/", 1)[0]


def door_cnics(count: int, start: int = 0) -> list[str]:
    """Well-formed CNICs for heads of household met at the door (Lahore district prefix 35202)."""
    return [f"35202-9{n:06d}-{n % 10}" for n in range(start + 1, start + count + 1)]


# --- page weights -------------------------------------------------------------------------------


def cache_lifetime(cache_control: str) -> tuple[bool, int]:
    """(immutable?, max-age in seconds) of a Cache-Control value."""
    directives = [d.strip().lower() for d in cache_control.split(",")]
    max_age = 0
    for d in directives:
        if d.startswith("max-age="):
            try:
                max_age = int(d.split("=", 1)[1])
            except ValueError:
                pass
    return "immutable" in directives, max_age


def measure_page_weights(port: int, known_cnic: str, unknown_cnic: str, report: Report) -> None:
    """First visit, repeat visit and htmx answers of /status, compressed as on the wire."""
    browser = Browser(port)
    try:
        page = browser.fetch("GET", "/status")
        if page.status != 200:
            raise SystemExit(f"GET /status answered {page.status}")
        html_text = page.text()
        parser = AssetLinks()
        parser.feed(html_text)
        rows = [("HTML", "/status", page)]
        for kind, url in parser.assets:
            rows.append((kind, url, browser.fetch("GET", url)))

        bad = [(url, a.status) for _, url, a in rows if a.status != 200]
        if bad:
            raise SystemExit(f"page resources did not answer 200: {bad}")
        total = sum(len(a.raw) for _, _, a in rows)
        total_headers = sum(len(a.raw) + a.header_bytes for _, _, a in rows)
        by_kind: dict[str, list[int]] = {}
        for kind, _, a in rows:
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += len(a.raw)
            by_kind[kind][1] += len(a.raw) + a.header_bytes

        lines = [
            "## Page weights: /status",
            "",
            f"`Accept-Encoding: {ACCEPT_ENCODING}`, sizes of bodies as received (still compressed). "
            "\"With headers\" adds the status line and response headers.",
            "",
            "### First visit",
            "",
            "| Resource | URL | Encoding | Body | With headers | Cache-Control |",
            "|---|---|---|---:|---:|---|",
        ]
        for kind, url, a in rows:
            lines.append(
                f"| {kind} | `{url}` | {a.encoding} | {len(a.raw):,} B | {len(a.raw) + a.header_bytes:,} B "
                f"| `{a.headers.get('Cache-Control', '')}` |"
            )
        lines += ["", "| Kind | Body | With headers |", "|---|---:|---:|"]
        for kind in ("HTML", "CSS", "JS", "icon"):
            body, with_headers = by_kind.get(kind, [0, 0])
            lines.append(f"| {kind} | {body:,} B | {with_headers:,} B |")
        lines.append(
            f"| **Total, {len(rows)} requests** | **{total:,} B ({kib(total)})** "
            f"| **{total_headers:,} B ({kib(total_headers)})** |"
        )

        report.check("HTML compressed (Content-Encoding)", page.encoding, "br or gzip", page.encoding in ("br", "gzip"))
        report.check(
            f"First visit of /status, {len(rows)} requests",
            f"{kib(total)} ({kib(total_headers)} with headers)",
            f"≤ {kib(BUDGET_FIRST_VISIT)}",
            total <= BUDGET_FIRST_VISIT,
        )

        # Static files: immutable and cached for at least a year, so a repeat visit fetches only the HTML.
        cacheable = []
        for kind, url, a in rows[1:]:
            immutable, max_age = cache_lifetime(a.headers.get("Cache-Control", ""))
            cacheable.append(immutable and max_age >= YEAR)
        report.check(
            "Static files `immutable`, max-age ≥ 1 year",
            f"{sum(cacheable)} of {len(cacheable)}",
            f"{len(cacheable)} of {len(cacheable)}",
            bool(cacheable) and all(cacheable),
        )

        repeat = browser.fetch("GET", "/status")
        lines += [
            "",
            "### Repeat visit",
            "",
            "Static files are cached (immutable), so only the HTML travels: "
            f"{len(repeat.raw):,} B ({repeat.encoding}), {len(repeat.raw) + repeat.header_bytes:,} B with headers.",
        ]
        report.check(
            "Repeat visit of /status (HTML only)",
            f"{kib(len(repeat.raw))} ({kib(len(repeat.raw) + repeat.header_bytes)} with headers)",
            f"≤ {kib(BUDGET_REPEAT_VISIT)}",
            repeat.status == 200 and len(repeat.raw) <= BUDGET_REPEAT_VISIT,
        )

        token = csrf_token(repeat.text())
        lines += ["", "### htmx answer of POST /status", "", "| CNIC | Status | Encoding | Body | With headers |",
                  "|---|---:|---|---:|---:|"]
        for label, cnic, expect_found in (("known", known_cnic, True), ("unknown", unknown_cnic, False)):
            body, headers = lookup_request(token, cnic, None)
            answer = browser.fetch("POST", "/status", body=body, headers=headers)
            text = answer.text()
            sane = answer.status == 200 and 'id="status-result"' in text and "<html" not in text
            found = "<bdi" in text  # the masked name appears only when the CNIC is registered
            lines.append(
                f"| {label} (`{cnic}`) | {answer.status} | {answer.encoding} | {len(answer.raw):,} B "
                f"| {len(answer.raw) + answer.header_bytes:,} B |"
            )
            report.check(
                f"htmx answer, {label} CNIC",
                f"{len(answer.raw):,} B ({answer.status}, {answer.encoding})",
                f"≤ {kib(BUDGET_FRAGMENT)}",
                sane and found == expect_found and len(answer.raw) <= BUDGET_FRAGMENT,
            )
            if not sane or found != expect_found:
                lines.append(f"|  ↳ unexpected answer: `{text[:200]!r}` | | | | |")
        report.sections.append("\n".join(lines))
    finally:
        browser.close()


def first_load(browser: Browser, path: str) -> list[tuple[str, str, Answer]]:
    """A page and everything it links to, fetched as by a browser with an empty cache: (kind, url, answer)."""
    page = browser.fetch("GET", path)
    if page.status != 200:
        raise SystemExit(f"GET {path} answered {page.status}")
    parser = AssetLinks()
    parser.feed(page.text())
    rows = [("HTML", path, page)] + [(kind, url, browser.fetch("GET", url)) for kind, url in parser.assets]
    bad = [(url, a.status) for _, url, a in rows if a.status != 200]
    if bad:
        raise SystemExit(f"resources of {path} did not answer 200: {bad}")
    return rows


def script_attributes(page: str) -> dict[str, str]:
    """src -> "defer", "async" or "blocking" for each external script of a page."""
    found: dict[str, str] = {}

    class Scripts(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "script" and a.get("src"):
                found[a["src"]] = "defer" if "defer" in a else "async" if "async" in a else "blocking"

    Scripts().feed(page)
    return found


def measure_questionnaire(port: int, report: Report) -> None:
    """First load of two questionnaire sections as the enumerator, and the htmx answers of its two saves."""
    browser = sign_in_enumerator(port)
    try:
        base = start_household(browser, door_cnics(1, start=900000)[0])
        lines = [
            "## Page weights: the household questionnaire (enumerator)",
            "",
            f"Signed in as the demo enumerator ({ENUMERATOR_CNIC}, area Lahore); a household started with "
            f"`POST /enumerator/households` (`{base}`). First load with an empty cache: the section's HTML and "
            "every stylesheet, script and icon it links to, bodies as received (still compressed). The budget "
            "counts HTML + CSS + JS (the icon is listed but not counted; the stylesheet uses system fonts, so "
            "there are no font files to exclude).",
        ]
        for section in ("housing", "members"):
            path = f"{base}/{section}"
            rows = first_load(browser, path)
            scripts = script_attributes(rows[0][2].text())
            counted = [r for r in rows if r[0] in ("HTML", "CSS", "JS")]
            total = sum(len(a.raw) for _, _, a in counted)
            total_headers = sum(len(a.raw) + a.header_bytes for _, _, a in counted)
            critical = len(counted)  # the HTML, its stylesheets, its scripts (defer or not)
            blocking = sum(1 for kind, url, _ in counted if kind in ("HTML", "CSS") or scripts.get(url) == "blocking")
            lines += [
                "",
                f"### First load of `{path}`",
                "",
                "| Resource | URL | Loading | Encoding | Body | With headers | Critical path |",
                "|---|---|---|---|---:|---:|---|",
            ]
            for kind, url, a in rows:
                loading = {"HTML": "document", "CSS": "render-blocking", "icon": "after render"}.get(
                    kind, scripts.get(url, ""))
                lines.append(
                    f"| {kind} | `{url}` | {loading} | {a.encoding} | {len(a.raw):,} B "
                    f"| {len(a.raw) + a.header_bytes:,} B | {'yes' if kind in ('HTML', 'CSS', 'JS') else 'no'} |"
                )
            lines.append(
                f"| **HTML + CSS + JS, {critical} requests** | | | | **{total:,} B ({kib(total)})** "
                f"| **{total_headers:,} B ({kib(total_headers)})** | |"
            )
            lines += [
                "",
                f"Requests on the critical path: **{critical}** (HTML, {sum(1 for r in counted if r[0] == 'CSS')} "
                f"stylesheet(s), {sum(1 for r in counted if r[0] == 'JS')} script(s)). Of these, {blocking} block the "
                "first paint (the HTML and the stylesheet); the scripts are "
                f"{', '.join(sorted(set(scripts.values()))) or 'none'}: they download in parallel with the parsing "
                "and run just before `DOMContentLoaded`, so they do not delay the first paint, but the section "
                "saves over htmx (and app.js's keeping of typed answers when offline) only work once both have "
                "arrived. They are therefore counted on the critical path. (Without them the forms still post "
                "as plain HTML forms.)",
            ]
            report.check(
                f"First load of the {section} section (enumerator), HTML + CSS + JS",
                f"{kib(total)} ({kib(total_headers)} with headers)",
                f"≤ {kib(BUDGET_SECTION_FIRST_LOAD)}",
                rows[0][2].encoding in ("br", "gzip") and total <= BUDGET_SECTION_FIRST_LOAD,
            )
            report.check(
                f"Critical-path requests of the {section} section (HTML + CSS + deferred JS)",
                f"{critical} ({blocking} render-blocking)",
                f"≤ {BUDGET_CRITICAL_REQUESTS}",
                critical <= BUDGET_CRITICAL_REQUESTS,
            )

        lines += ["", "### htmx answers of the questionnaire", "",
                  "One request each, `HX-Request: true`, with the version and one-time key of a freshly loaded form.",
                  "", "| Request | Status | Encoding | Body | With headers | Answer |", "|---|---:|---|---:|---:|---|"]

        # A member add: the members page gives the version and key; the answer is the member area fragment.
        fields = versioned_fields(browser.fetch("GET", f"{base}/members").text())
        body, headers = survey_post(fields, HEAD, "member-form")
        add = browser.fetch("POST", f"{base}/members", body=body, headers=headers)
        text = add.text()
        add_ok = (add.status == 200 and 'id="member-area"' in text and "<html" not in text
                  and HEAD["name"] in text and hidden_field(text, "version", False) == str(int(fields["version"]) + 1))
        lines.append(
            f"| `POST {base}/members` (member add) | {add.status} | {add.encoding} | {len(add.raw):,} B "
            f"| {len(add.raw) + add.header_bytes:,} B | the member list and a fresh form (fragment) |"
        )
        report.check(
            "htmx member add (fragment)",
            f"{len(add.raw):,} B ({add.status}, {add.encoding})",
            f"≤ {kib(BUDGET_SURVEY_FRAGMENT)}",
            add_ok and len(add.raw) <= BUDGET_SURVEY_FRAGMENT,
        )
        if not add_ok:
            lines.append(f"|  ↳ unexpected answer: `{text[:200]!r}` | | | | | |")

        # A section save: the answer is 204 with HX-Redirect to the next section.
        fields = versioned_fields(browser.fetch("GET", f"{base}/housing").text())
        body, headers = survey_post(fields, HOUSING, "section-form")
        save = browser.fetch("POST", f"{base}/housing", body=body, headers=headers)
        redirect_to = save.headers.get("HX-Redirect", "")
        save_ok = save.status == 204 and redirect_to.endswith(f"{base}/assets")
        lines.append(
            f"| `POST {base}/housing` (section save) | {save.status} | {save.encoding} | {len(save.raw):,} B "
            f"| {len(save.raw) + save.header_bytes:,} B | `HX-Redirect: {redirect_to}` |"
        )
        report.check(
            "htmx section save (204 + HX-Redirect)",
            f"{len(save.raw):,} B ({len(save.raw) + save.header_bytes:,} B with headers; {save.status})",
            f"≤ {kib(BUDGET_SURVEY_FRAGMENT)}",
            save_ok and len(save.raw) <= BUDGET_SURVEY_FRAGMENT,
        )
        if not save_ok:
            lines.append(f"|  ↳ unexpected answer: `{save.raw[:200]!r}` | | | | | |")
        report.sections.append("\n".join(lines))
    finally:
        browser.close()


# --- throughput ---------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    """Counts of one route in one round, over the counted window only."""

    route: str
    round: int
    requests: int = 0
    non_2xx: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    client_cpu: float = 0.0  # cores used by this process while measuring
    server_cpu: float = 0.0  # cores used by gunicorn while measuring
    worker_split: str = ""  # each worker's share of the server's CPU, e.g. "50/50"
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Route:
    """A route under load: how each worker prepares itself and what its i-th request is."""

    name = ""

    def prepare(self, port: int, worker: int) -> object:
        return None

    def request(self, state: object, i: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        raise NotImplementedError

    def answered(self, state: object, status: int | None) -> None:
        """Called after each request with its status (None: the connection failed); after the latency was taken."""


class Trivial(Route):
    """The cheapest route of the app: no database, no template, no limiter."""

    name = "GET /robots.txt"

    def request(self, state, i):
        return "GET", "/robots.txt", None, {"Accept-Encoding": ACCEPT_ENCODING}


class Healthz(Route):
    """GET /healthz: one `SELECT 1` through the pool, a JSON answer; no template, no limiter."""

    name = "GET /healthz"

    def request(self, state, i):
        return "GET", "/healthz", None, {"Accept-Encoding": ACCEPT_ENCODING}


class StatusLookup(Route):
    """POST /status with a valid token and cookie; every tenth CNIC is not registered."""

    name = "POST /status (htmx lookup)"

    def __init__(self, known: list[str], unknown: list[str]):
        self.cnics = []
        unknown_iter = iter(unknown * (len(known) // 9 + 1))
        for n, cnic in enumerate(known):
            self.cnics.append(cnic)
            if n % 9 == 8:
                self.cnics.append(next(unknown_iter))

    def prepare(self, port, worker):
        """Each worker is its own visitor: it loads the page once for a session cookie and a token."""
        browser = Browser(port)
        try:
            page = browser.fetch("GET", "/status")
            token = csrf_token(page.text())
            return token, browser.cookie_header("/status"), worker * 37
        finally:
            browser.close()

    def request(self, state, i):
        token, cookie, offset = state
        body, headers = lookup_request(token, self.cnics[(offset + i) % len(self.cnics)], cookie)
        return "POST", "/status", body, headers


class SectionSave(Route):
    """htmx saves of the housing section (204 + HX-Redirect when saved), each with a fresh one-time key.

    Every successful save bumps the household's version, and a save must name the current version, so each
    client thread works on its own household, started up front, and keeps its version: previous + 1 after
    a 204; after anything else (409 conflict, error) it reads the version again from a GET of the section.
    """

    name = "POST …/housing (htmx section save)"

    def __init__(self, port: int, households: int):
        browser = sign_in_enumerator(port)
        try:
            self.paths = [f"{start_household(browser, cnic)}/housing" for cnic in door_cnics(households)]
            self.cookie = browser.cookie_header("/enumerator/")  # after a GET, so it holds the CSRF secret
        finally:
            browser.close()
        self.states: dict[int, dict] = {}
        self.resyncs = 0
        self._lock = threading.Lock()

    def _read_form(self, port: int, state: dict) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", state["path"], headers={"Cookie": self.cookie, "Accept-Encoding": ACCEPT_ENCODING})
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise SystemExit(f"GET {state['path']} answered {resp.status}")
        page = Answer(resp.status, resp.headers, raw, 0).text()
        state["token"] = hidden_field(page, "csrf_token")
        state["version"] = int(hidden_field(page, "version"))

    def prepare(self, port, worker):
        """Worker n keeps household n (and its version) from one phase to the next."""
        if worker not in self.states:
            self.states[worker] = {"path": self.paths[worker % len(self.paths)], "port": port}
            self._read_form(port, self.states[worker])
        return self.states[worker]

    def request(self, state, i):
        fields = {"csrf_token": state["token"], "version": str(state["version"]),
                  "idempotency_key": secrets.token_hex(16)}
        body, headers = survey_post(fields, HOUSING, "section-form", self.cookie)
        return "POST", state["path"], body, headers

    def answered(self, state, status):
        if status == 204:
            state["version"] += 1
        else:
            with self._lock:
                self.resyncs += 1
            try:
                self._read_form(state["port"], state)
            except (OSError, http.client.HTTPException, SystemExit):
                pass  # the next save fails with 409 and tries again


def _load_worker(port, route, state, start_measure, end, result, lock):
    """Send requests back to back on one keep-alive connection until `end`; count those done in the window."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    ok = errors = 0
    non_2xx: dict[int, int] = {}
    latencies = []
    i = 0
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        method, path, body, headers = route.request(state, i)
        i += 1
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # http.client reconnects on the next request
            if t0 >= start_measure:
                errors += 1
            route.answered(state, None)
            continue
        t1 = time.perf_counter()
        if start_measure <= t1 < end:
            latencies.append(t1 - t0)
            if 200 <= resp.status < 300:
                ok += 1
            else:
                non_2xx[resp.status] = non_2xx.get(resp.status, 0) + 1
        route.answered(state, resp.status)
    conn.close()
    with lock:
        result.requests += ok
        result.errors += errors
        result.latencies.extend(latencies)
        for status, n in non_2xx.items():
            result.non_2xx[status] = result.non_2xx.get(status, 0) + n


def run_phase(port, server_pid, route, round_no, threads, warmup, duration) -> PhaseResult:
    """N threads hammer one route: `warmup` seconds uncounted, then `duration` seconds counted."""
    states = [route.prepare(port, w) for w in range(threads)]
    result = PhaseResult(route.name, round_no)
    lock = threading.Lock()
    start = time.perf_counter()
    start_measure, end = start + warmup, start + warmup + duration
    workers = [
        threading.Thread(target=_load_worker, args=(port, route, s, start_measure, end, result, lock), daemon=True)
        for s in states
    ]
    for w in workers:
        w.start()
    time.sleep(max(0.0, start_measure - time.perf_counter()))
    client0, server0, wall0 = time.process_time(), process_tree_cpu_seconds(server_pid), time.perf_counter()
    time.sleep(max(0.0, end - time.perf_counter()))
    client1, server1, wall1 = time.process_time(), process_tree_cpu_seconds(server_pid), time.perf_counter()
    for w in workers:
        w.join(timeout=60)
    result.seconds = duration
    wall = wall1 - wall0
    result.client_cpu = (client1 - client0) / wall
    used = {p: server1[p] - server0.get(p, 0.0) for p in server1}
    result.server_cpu = sum(used.values()) / wall
    workers_used = sorted((v for p, v in used.items() if p != server_pid), reverse=True)
    if sum(workers_used) > 0:
        result.worker_split = "/".join(f"{100 * v / sum(workers_used):.0f}" for v in workers_used)
    return result


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_throughput(port, server_pid, known, unknown, args, report: Report) -> None:
    """Trivial route, status lookups and section saves, alternating, `args.rounds` rounds each; rates and ratios."""
    trivial, lookup = Trivial(), StatusLookup(known, unknown)
    save = SectionSave(port, args.threads)  # one household per client thread, started before the first round
    routes = (trivial, lookup, save)
    phases: list[PhaseResult] = []
    for round_no in range(1, args.rounds + 1):
        for route in routes:
            phase = run_phase(port, server_pid, route, round_no, args.threads, args.warmup, args.duration)
            print(f"  round {round_no}, {route.name}: {phase.rate:,.0f} req/s", file=sys.stderr)
            phases.append(phase)

    lines = [
        "## Throughput",
        "",
        f"{args.threads} client threads, each with its own keep-alive connection; {args.warmup:g} s warm-up, "
        f"then {args.duration:g} s counted per phase; the routes alternate ({args.rounds} rounds each). "
        f"Lookups cycle through {len(known)} seeded CNICs, with one unknown CNIC in ten. "
        f"Section saves are the enumerator's htmx saves of the housing section (success: 204 + HX-Redirect), "
        f"each with a fresh one-time key; each thread saves its own household ({len(save.paths)} started with "
        "`POST /enumerator/households` before the first round), so it can keep the version (+1 after each save) "
        "without conflicts; a 409 or an error would make it read the version again with a GET "
        f"(this happened {save.resyncs} time(s)). Every save writes to SQLite (the household row, an audit row and "
        "the idempotency key), and the writes of all threads queue on the database's single write lock. "
        "The client runs on the same machine: its CPU use is shown, as it takes cores from the server. "
        "\"Worker split\" is each gunicorn worker's share of the server's CPU: a keep-alive connection stays "
        "with the worker that accepted it, so with 8 connections one worker may serve most of them, "
        "and one worker cannot use more than one core (the GIL).",
        "",
        "| Route | Round | Requests/s | p50 | p99 | Non-2xx | Errors | Server CPU (cores) | Worker split (%) | Client CPU (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in phases:
        non_2xx = sum(p.non_2xx.values())
        detail = f" ({', '.join(f'{s}: {n}' for s, n in sorted(p.non_2xx.items()))})" if non_2xx else ""
        lines.append(
            f"| {p.route} | {p.round} | {p.rate:,.0f} | {percentile(p.latencies, 50) * 1000:.1f} ms "
            f"| {percentile(p.latencies, 99) * 1000:.1f} ms | {non_2xx}{detail} | {p.errors} "
            f"| {p.server_cpu:.2f} | {p.worker_split} | {p.client_cpu:.2f} |"
        )
    medians = {route.name: statistics.median(p.rate for p in phases if p.route == route.name) for route in routes}
    ratio = medians[lookup.name] / medians[trivial.name] if medians[trivial.name] else 0.0
    save_ratio = medians[save.name] / medians[trivial.name] if medians[trivial.name] else 0.0
    save_phases = [p for p in phases if p.route == save.name]
    save_latencies = [t for p in save_phases for t in p.latencies]
    save_non_2xx = sum(sum(p.non_2xx.values()) for p in save_phases)
    save_errors = sum(p.errors for p in save_phases)
    lines += [
        "",
        f"Median: {trivial.name} {medians[trivial.name]:,.0f} req/s; {lookup.name} {medians[lookup.name]:,.0f} req/s "
        f"(ratio {ratio:.0%}); {save.name} {medians[save.name]:,.0f} req/s (ratio {save_ratio:.0%}, no budget).",
    ]
    report.sections.append("\n".join(lines))
    report.figure(
        "Section saves / trivial route (median req/s)",
        f"{save_ratio:.0%} ({medians[save.name]:,.0f} / {medians[trivial.name]:,.0f})",
    )
    report.figure(
        "Section saves under load: p50 / p99, all rounds",
        f"{percentile(save_latencies, 50) * 1000:.1f} ms / {percentile(save_latencies, 99) * 1000:.1f} ms",
    )
    report.figure("Section saves under load: non-2xx, connection errors", f"{save_non_2xx}, {save_errors}")

    failures = sum(sum(p.non_2xx.values()) + p.errors for p in phases if p.route != save.name)
    report.check(
        "Status lookups / trivial route (median req/s)",
        f"{ratio:.0%} ({medians[lookup.name]:,.0f} / {medians[trivial.name]:,.0f})",
        f"≥ {BUDGET_RATIO:.0%}",
        ratio >= BUDGET_RATIO,
    )
    report.check("Non-2xx responses and connection errors under load (trivial route, lookups)", str(failures), "0",
                 failures == 0)


STUCK_SHARE = 80  # a round where one worker did this share (%) of the server's work or more: "stuck"


def worker_shares(split: str) -> list[int]:
    return [int(x) for x in split.split("/") if x]


def measure_status_throughput(port, server_pid, known, unknown, args, report: Report, label: str) -> dict:
    """/robots.txt, /healthz and /status lookups in alternating rounds: rates, ratios, and how the keep-alive
    connections spread over the workers. Returns the medians and the count of stuck rounds."""
    trivial, health, lookup = Trivial(), Healthz(), StatusLookup(known, unknown)
    routes = (trivial, health, lookup)
    phases: list[PhaseResult] = []
    for round_no in range(1, args.rounds + 1):
        for route in routes:
            phase = run_phase(port, server_pid, route, round_no, args.threads, args.warmup, args.duration)
            print(f"  [{label}] round {round_no}, {route.name}: {phase.rate:,.0f} req/s, split {phase.worker_split}",
                  file=sys.stderr)
            phases.append(phase)
    medians = {r.name: statistics.median(p.rate for p in phases if p.route == r.name) for r in routes}
    stuck = sum(1 for p in phases if max(worker_shares(p.worker_split) or [100]) >= STUCK_SHARE)
    ratio_trivial = medians[lookup.name] / medians[trivial.name] if medians[trivial.name] else 0.0
    ratio_health = medians[lookup.name] / medians[health.name] if medians[health.name] else 0.0
    lines = [
        f"## /status throughput: {label}",
        "",
        f"{args.threads} client threads with a keep-alive connection each; {args.warmup:g} s warm-up, "
        f"{args.duration:g} s counted per phase; {args.rounds} alternating rounds of each route. "
        f"\"Stuck\": one worker did ≥ {STUCK_SHARE} % of the server's CPU work in that phase.",
        "",
        "| Route | Round | Requests/s | p50 | p99 | Non-2xx | Errors | Server CPU (cores) | Worker split (%) | Client CPU (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in phases:
        non_2xx = sum(p.non_2xx.values())
        lines.append(
            f"| {p.route} | {p.round} | {p.rate:,.0f} | {percentile(p.latencies, 50) * 1000:.1f} ms "
            f"| {percentile(p.latencies, 99) * 1000:.1f} ms | {non_2xx} | {p.errors} "
            f"| {p.server_cpu:.2f} | {p.worker_split} | {p.client_cpu:.2f} |"
        )
    lines += [
        "",
        f"Medians: {trivial.name} {medians[trivial.name]:,.0f} req/s, {health.name} {medians[health.name]:,.0f} req/s, "
        f"{lookup.name} {medians[lookup.name]:,.0f} req/s: **{ratio_trivial:.0%} of the trivial route, "
        f"{ratio_health:.0%} of /healthz**. Stuck phases: {stuck} of {len(phases)}.",
    ]
    report.sections.append("\n".join(lines))
    report.figure(f"/status ÷ /robots.txt, ÷ /healthz ({label})",
                  f"{ratio_trivial:.0%}, {ratio_health:.0%} ({medians[lookup.name]:,.0f} / "
                  f"{medians[trivial.name]:,.0f} / {medians[health.name]:,.0f} req/s)")
    report.figure(f"Phases with one worker doing ≥ {STUCK_SHARE} % ({label})", f"{stuck} of {len(phases)}")
    failures = sum(sum(p.non_2xx.values()) + p.errors for p in phases)
    report.check(f"Non-2xx and connection errors under load ({label})", str(failures), "0", failures == 0)
    return {"ratio": ratio_trivial, "ratio_healthz": ratio_health, "stuck": stuck, "phases": len(phases)}


def status_floor(env: dict[str, str]) -> str:
    """bench/status_floor.py on the same database and Redis: the lookup in process, and the framework alone."""
    floor_env = {**env, "FLOOR_DATABASE_URL": env["DATABASE_URL"], "FLOOR_REDIS_URL": env.get("REDIS_URL", "")}
    done = subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "status_floor.py")], cwd=ROOT, env=floor_env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        return f"status_floor.py failed:\n\n```\n{done.stderr[-2000:]}\n```"
    return done.stdout.strip()


def run_status_only(args, report: Report, tmp: Path) -> list[str]:
    """The production set-up's /status figures: PostgreSQL and Redis if given, default gunicorn and then
    gunicorn with --reuse-port (each worker its own listening socket; the kernel spreads connections)."""
    if args.database_url:
        fresh_postgres_database(args.database_url)
    env = bench_environment(tmp, args.database_url, args.redis_url)
    print(f"seeding {args.households} households ...", file=sys.stderr)
    seed_seconds = prepare_database(env, args.households)
    known = seeded_cnics(env["DATABASE_URL"], 200)
    unknown = unknown_cnics(set(known), 20)
    outcomes = {}
    try:
        for label, extra in (("default", ()), ("--reuse-port", ("--reuse-port",))):
            port = free_port()
            server = start_gunicorn(env, port, tmp / f"gunicorn-{label}.log", extra)
            try:
                outcomes[label] = measure_status_throughput(port, server.pid, known, unknown, args, report, label)
            finally:
                stop_gunicorn(server)
        print("framework floor (bench/status_floor.py) ...", file=sys.stderr)
        report.sections.append("## Where a lookup's time goes, in process, same database and Redis "
                               "(bench/status_floor.py)\n\n" + status_floor(env))
    finally:
        if args.redis_url:
            forget_limits(args.redis_url, env["RATELIMIT_KEY_PREFIX"])
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgresql") else "SQLite (WAL)"
    return [
        f"- Server: gunicorn, {' '.join(GUNICORN_ARGS)}, PSER_ENV=production, {database} with {args.households} "
        f"demo households (seeded in {seed_seconds:.1f} s), limits in "
        f"{'Redis' if args.redis_url else 'memory'} and raised for the benchmark",
    ]


# --- the report ---------------------------------------------------------------------------------


def seeded_cnics(database_url: str, count: int) -> list[str]:
    """CNICs of seeded citizens, read straight from the database (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(f"file:{database_url.removeprefix('sqlite:///')}?mode=ro", uri=True) as con:
            first = con.execute("SELECT cnic FROM users WHERE role='citizen' LIMIT 1").fetchone()
            rows = con.execute("SELECT cnic FROM users WHERE role='citizen' ORDER BY id LIMIT ?", (count,)).fetchall()
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as con:
            first = con.execute(text("SELECT cnic FROM users WHERE role='citizen' LIMIT 1")).fetchone()
            rows = con.execute(text("SELECT cnic FROM users WHERE role='citizen' ORDER BY id LIMIT :n"),
                               {"n": count}).fetchall()
        engine.dispose()
    cnics = [first[0]] + [r[0] for r in rows if r[0] != first[0]]
    return cnics[:count]


def unknown_cnics(known: set[str], count: int) -> list[str]:
    """Well-formed CNICs (region 7, Gilgit-Baltistan) that no seeded user has: the demo seed uses region 3."""
    cnics = [f"7{n:04d}-{n * 7919 % 10**7:07d}-{n % 10}" for n in range(1, count + 1)]
    return [c for c in cnics if c not in known]


def render_report(report: Report, meta: list[str]) -> str:
    """The Markdown report: context, the budget table, then the detailed sections."""
    lines = ["# PSER portal benchmark", ""] + meta + ["", "## Budgets", "", "| Figure | Measured | Budget | Result |",
                                                        "|---|---|---|---|"]
    for c in report.checks:
        lines.append(f"| {c.name} | {c.measured} | {c.budget} | {'PASS' if c.passed else '**FAIL**'} |")
    lines += ["", f"**Overall: {'PASS' if report.passed else 'FAIL'}**", ""]
    if report.figures:
        lines += ["## Figures without a budget", "", "| Figure | Measured |", "|---|---|"]
        lines += [f"| {name} | {measured} |" for name, measured in report.figures]
        lines.append("")
    for section in report.sections:
        lines += [section, ""]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Knobs for a quicker run while working on this script; the defaults are the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000, help="demo households to seed (default 2000)")
    parser.add_argument("--threads", type=int, default=8, help="client threads under load (default 8)")
    parser.add_argument("--duration", type=float, default=10.0, help="counted seconds per phase (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="uncounted seconds per phase (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each route (default 2)")
    parser.add_argument("--status-only", action="store_true",
                        help="only /status against /robots.txt and /healthz, default gunicorn then --reuse-port, "
                             "then the in-process floor (bench/status_floor.py)")
    parser.add_argument("--database-url", help="a PostgreSQL database to DROP, re-create and use (with --status-only)")
    parser.add_argument("--redis-url", help="Redis for the rate limits, as in production (with --status-only)")
    return parser.parse_args()


def main() -> int:
    """Run everything, always stop gunicorn and remove the temporary directory; 1 if a budget fails."""
    args = parse_args()
    started = datetime.now(timezone.utc)
    report = Report()
    tmp = Path(tempfile.mkdtemp(prefix="pser-bench-"))
    if args.status_only:
        try:
            meta = [f"- Date: {started:%Y-%m-%d %H:%M} UTC", f"- Machine: {os.cpu_count()} CPUs, "
                    f"{platform.system()} {platform.release()}, Python {platform.python_version()}"]
            meta += run_status_only(args, report, tmp)
            text = render_report(report, meta)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(text)
        path = RESULTS.with_name("status-latest.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"written to {path.relative_to(ROOT)}", file=sys.stderr)
        return 0 if report.passed else 1
    try:
        env = bench_environment(tmp)
        print(f"seeding {args.households} households in {tmp} ...", file=sys.stderr)
        seed_seconds = prepare_database(env, args.households)
        known = seeded_cnics(env["DATABASE_URL"], 200)
        unknown = unknown_cnics(set(known), 20)
        port = free_port()
        server = start_gunicorn(env, port, tmp / "gunicorn.log")
        try:
            print(f"gunicorn on {HOST}:{port}; page weights ...", file=sys.stderr)
            measure_page_weights(port, known[0], unknown[0], report)
            print("questionnaire page weights ...", file=sys.stderr)
            measure_questionnaire(port, report)
            print("throughput ...", file=sys.stderr)
            measure_throughput(port, server.pid, known, unknown, args, report)
        finally:
            stop_gunicorn(server)
        meta = [
            f"- Date: {started:%Y-%m-%d %H:%M} UTC (run took {(datetime.now(timezone.utc) - started).seconds} s)",
            f"- Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}",
            f"- Server: gunicorn, 2 workers x 4 threads, PSER_ENV=production, SQLite (WAL) with "
            f"{args.households} demo households (seeded in {seed_seconds:.1f} s), limits raised for the benchmark",
            "- Client: this script (standard library), on the same machine, 127.0.0.1 only",
        ]
        text = render_report(report, meta)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
