"""Two portal instances behind one address, as behind a load balancer: real gunicorn processes on two ports,
sharing one PostgreSQL database and one Redis. Whatever a visitor did on one, the other knows.

Needs TEST_DATABASE_URL (PostgreSQL) and a Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/5);
skipped otherwise. The rate-limit keys carry a prefix of their own, removed at the end."""
from __future__ import annotations

import http.client
import importlib.util
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Household, HouseholdMember, IdempotentRequest
from tests.conftest import PASSWORD
from tests.survey_helpers import HEAD

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Visitor:
    """One browser: a cookie jar shared by every instance it talks to (cookies do not depend on the port,
    so this is what a browser behind a load balancer holds), and no automatic redirects."""

    def __init__(self):
        # The instances run with production settings, whose session cookie is Secure; over the loopback
        # the jar must send it on http, as a TLS-terminating balancer would.
        self.jar = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "http")))
        self.token: str | None = None

    def fetch(self, instance: "Instance", method: str, path: str, data: dict | None = None,
              headers: dict | None = None) -> Answer:
        url = f"{instance.url}{path}"
        request = urllib.request.Request(url, method=method)
        self.jar.add_cookie_header(request)
        sent = dict(headers or {})
        if cookie := request.get_header("Cookie"):
            sent["Cookie"] = cookie
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        if body is not None:
            sent.update(FORM)
        conn = http.client.HTTPConnection(HOST, instance.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        self.jar.extract_cookies(resp, request)
        if match := re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text) or re.search(
                r'"X-CSRFToken": "([^"]+)"', text):
            self.token = match.group(1)
        return Answer(resp.status, resp.headers, text)

    def get(self, instance, path, **kw) -> Answer:
        return self.fetch(instance, "GET", path, **kw)

    def post(self, instance, path, data: dict, **kw) -> Answer:
        assert self.token, "load a page first: the token comes from it"
        return self.fetch(instance, "POST", path, data={"csrf_token": self.token, **data}, **kw)


@dataclass
class Instance:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def _start(name: str, env: dict, log_dir: Path) -> Instance:
    port = _free_port()
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1", "--threads", "2",
             "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Instance(name, port, process, log)


def _wait_ready(instance: Instance, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise AssertionError(f"{instance.name} exited:\n{instance.log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{instance.url}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{instance.name} did not answer /healthz:\n{instance.log.read_text(errors='replace')[-3000:]}")


def _stop(instance: Instance) -> None:
    if instance.process.poll() is None:
        instance.process.terminate()
        try:
            instance.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait(timeout=5)


@pytest.fixture
def portal_env(app, is_postgres, tmp_path):
    """The environment of every process of this deployment: one database, one Redis, one secret."""
    if not is_postgres:
        pytest.skip("two instances share a PostgreSQL database; run with TEST_DATABASE_URL")
    redis_client = _redis_or_skip()
    prefix = f"pser-multi-test-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "RATELIMIT_"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "SECRET_KEY": secrets.token_urlsafe(36),
        "PSER_ENV": "production",
        "SMS_BACKEND": "outbox",  # production refuses the console backend
        "STATUS_LOOKUP_LIMIT": "3 per minute",
        "LOGIN_LIMIT": "100 per minute",
        "JOBS_QUEUE": prefix,  # the background jobs' RQ queue: this test's own
    })
    yield env
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)
    redis_client.srem("rq:queues", f"rq:queue:{prefix}")  # RQ's list of queues (jobs' own keys expire)
    redis_client.close()


@pytest.fixture
def two_instances(portal_env, tmp_path):
    """Instances A and B, started side by side; always stopped, even when the test fails."""
    started = []
    try:
        started = [_start(name, portal_env, tmp_path) for name in ("A", "B")]
        for instance in started:
            _wait_ready(instance)
        yield started
    finally:
        for instance in started:
            _stop(instance)


def _sign_in(visitor: Visitor, instance: Instance, cnic: str) -> None:
    visitor.get(instance, "/login")
    answer = visitor.post(instance, "/login", {"cnic": cnic, "password": PASSWORD})
    assert answer.status == 302, answer.text[:500]


def test_enumerator_signed_in_on_one_instance_continues_on_the_other(two_instances, make_user):
    a, b = two_instances
    enumerator = make_user("enumerator", cnic="35202-0000011-1", name="Sana Tariq", area="Lahore")
    visitor = Visitor()
    _sign_in(visitor, a, enumerator.cnic)

    page = visitor.get(b, "/enumerator/")
    assert page.status == 200, page.status  # anonymous, it would be a redirect to /login
    assert 'action="/logout"' in page.text
    # A form read on B and posted to A: the CSRF token and the session are the deployment's, not a process's.
    started = visitor.post(a, "/enumerator/households", {"head_cnic": "35202-7777777-1"})
    assert started.status == 302, started.text[:500]
    assert visitor.get(b, urllib.parse.urlsplit(started.headers["Location"]).path).status == 200

    # Signing out on B ends the session everywhere: it is checked against the database on each request.
    assert visitor.post(b, "/logout", {}).status in (302, 303)
    assert visitor.get(a, "/enumerator/").status == 302


def test_status_lookup_limit_counts_across_both_instances(two_instances, make_user):
    a, b = two_instances
    make_user("citizen", cnic="35202-1212121-2")
    visitor = Visitor()
    htmx = {"HX-Request": "true"}
    statuses = []
    for instance in (a, a, b, b):
        visitor.get(instance, "/status")
        statuses.append(visitor.post(instance, "/status", {"cnic": "35202-1212121-2"}, headers=htmx).status)
    # STATUS_LOOKUP_LIMIT is 3 per minute: two on A and one on B pass, the fourth (on B) is refused,
    # because both count in the same Redis. Per-process memory would have let all four through.
    assert statuses == [200, 200, 200, 429]


def test_replayed_save_on_the_second_instance_gets_the_first_answer_and_changes_nothing(two_instances, make_user, db):
    a, b = two_instances
    enumerator = make_user("enumerator", cnic="35202-0000012-1", area="Lahore")
    visitor = Visitor()
    _sign_in(visitor, a, enumerator.cnic)
    visitor.get(a, "/enumerator/")
    started = visitor.post(a, "/enumerator/households", {"head_cnic": "35202-7777777-1"})
    base = urllib.parse.urlsplit(started.headers["Location"]).path.rsplit("/", 1)[0]
    form = visitor.get(a, f"{base}/members").text
    fields = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', form).group(1)
              for name in ("csrf_token", "version", "idempotency_key")}

    first = visitor.fetch(a, "POST", f"{base}/members", data={**fields, **HEAD})
    replay = visitor.fetch(b, "POST", f"{base}/members", data={**fields, **HEAD})  # the phone retries, via B

    assert first.status == 302, first.text[-2000:]
    assert replay.status == 302
    assert replay.headers["Location"] == first.headers["Location"]
    assert replay.headers["X-Idempotent-Replay"] == "true"
    assert db.scalar(select(func.count()).select_from(HouseholdMember)) == 1
    assert db.scalar(select(func.count()).select_from(IdempotentRequest)) == 1
    assert db.scalars(select(Household.version)).one() == 2


@pytest.mark.skipif(importlib.util.find_spec("app.jobs") is None,
                    reason="background jobs (`flask worker`) are not in this checkout")
def test_a_job_enqueued_on_one_instance_runs_on_a_worker_started_separately(portal_env, two_instances, db,
                                                                            tmp_path):
    from app.models import BackgroundJob, SmsMessage

    a, _ = two_instances
    visitor = Visitor()
    visitor.get(a, "/complaints/new")
    key = re.search(r'name="idempotency_key"[^>]* value="([^"]+)"', visitor.get(a, "/complaints/new").text)
    filed = visitor.post(a, "/complaints/new", {
        "cnic": "35202-1212121-2", "mobile": "03001234567", "category": "not_surveyed", "district": "DST-LHR",
        "description": "The survey team has not come to our street.", "idempotency_key": key.group(1) if key else ""})
    assert filed.status == 200, filed.text[-2000:]
    # The instance only enqueued the SMS job: with no worker running it waits in Redis, and its row says so.
    job = db.scalars(select(BackgroundJob).where(BackgroundJob.kind == "sms.send")).one()
    assert job.state == "queued"
    assert db.scalars(select(SmsMessage.status)).one() == "queued"

    log = (tmp_path / "worker.log").open("wb")
    # The worker hands messages to the console (a development backend, which production refuses) so that
    # the message's row shows the hand-over.
    worker_env = {**portal_env, "PSER_ENV": "staging", "SMS_BACKEND": "console"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"], cwd=ROOT,
                              env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert worker.wait(timeout=120) == 0, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    finally:
        log.close()
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    db.expire_all()
    done = db.get(BackgroundJob, job.id)
    _redis_or_skip().delete(f"rq:job:{done.rq_id}", f"rq:results:{done.rq_id}")  # RQ's copy of the job
    assert done.state == "done"
    assert db.scalars(select(SmsMessage.status)).one() == "sent"
