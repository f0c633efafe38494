"""Watching it run: /metrics (Prometheus text, behind a bearer token) counts requests per Flask endpoint, their
latency, 4xx/5xx and 429s by limit, and reads the SMS outbox, the job queue and the pool when scraped;
/readyz says whether the database, Redis and the migrations are ready, without leaking a secret."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.models import BackgroundJob, SmsMessage
from app.models.base import utcnow

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def metrics_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_there_without_a_token_and_refused_with_a_wrong_one(app, client, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_requests_are_counted_per_endpoint_never_per_path(client, metrics_on, make_user):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/status").status_code == 200
    assert client.get("/no/such/page/35202-7654321-3").status_code == 404
    after = scrape(client)
    labels = dict(endpoint="public.status", method="GET", status="200")
    assert value(after, "pser_http_requests_total", **labels) - value(before, "pser_http_requests_total", **labels) == 3
    assert value(after, "pser_http_requests_total", endpoint="unmatched", method="GET", status="404") >= 1
    assert value(after, "pser_http_responses_total", status_class="4xx") > value(before, "pser_http_responses_total", status_class="4xx")
    latency = dict(endpoint="public.status", method="GET")
    assert value(after, "pser_http_request_duration_seconds_count", **latency) - \
        value(before, "pser_http_request_duration_seconds_count", **latency) == 3
    assert value(after, "pser_http_request_duration_seconds_bucket", le="+Inf", **latency) >= 3
    endpoints = {dict(key[1]).get("endpoint") for key in after if key[0].startswith("pser_http")}
    assert endpoints and not any(e and ("/" in e or "35202" in e) for e in endpoints)  # names, never paths


def test_rate_limit_refusals_are_counted_under_the_limit_name(client, metrics_on):
    before = value(scrape(client), "pser_rate_limit_refusals_total", limit="STATUS_LOOKUP_LIMIT")
    client.get("/status")
    codes = [client.post("/status", data={"cnic": "35202-1000001-2"}).status_code for _ in range(12)]
    assert 429 in codes
    after = value(scrape(client), "pser_rate_limit_refusals_total", limit="STATUS_LOOKUP_LIMIT")
    assert after - before == codes.count(429)


def test_outbox_and_job_queue_are_read_when_scraped(client, db, metrics_on):
    now = utcnow()
    db.add_all([
        SmsMessage(to_mobile="03001234567", body="x", purpose="verify_mobile", status="queued"),
        SmsMessage(to_mobile="03001234567", body="x", purpose="verify_mobile", status="queued"),
        SmsMessage(to_mobile="03001234567", body="x", purpose="verify_mobile", status="failed", created_at=now),
        SmsMessage(to_mobile="03001234567", body="x", purpose="verify_mobile", status="failed",
                   created_at=now - timedelta(days=3)),  # older than a day: not a current failure
        SmsMessage(to_mobile="03001234567", body="x", purpose="verify_mobile", status="sent"),
        BackgroundJob(kind="complaints.escalate", state="queued"),
        BackgroundJob(kind="complaints.escalate", state="failed"),
        BackgroundJob(kind="complaints.escalate", state="done"),
    ])
    db.commit()
    samples = scrape(client)
    assert value(samples, "pser_sms_outbox_messages", status="queued") == 2
    assert value(samples, "pser_sms_outbox_messages", status="sending") == 0
    assert value(samples, "pser_sms_failed_last_day") == 1
    assert value(samples, "pser_background_jobs", state="queued") == 1
    assert value(samples, "pser_background_jobs", state="failed") == 1
    assert value(samples, "pser_dependency_up", dependency="database") == 1
    assert ("pser_db_pool_connections", (("state", "checked_out"),)) in samples


def test_ready_when_the_database_answers_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "skipped"}
    assert body["migrations"]["current"] == body["migrations"]["head"]
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_schema_is_behind_the_code(client, monkeypatch):
    from app.ops import readiness

    monkeypatch.setattr(readiness, "migration_heads", lambda: frozenset({"f0f0f0f0f0f0"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["migrations"]


def test_not_ready_names_what_failed_and_never_says_a_password(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "RATELIMIT_STORAGE_URI": "memory://",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://pser:s3cret-pw@127.0.0.1:1/pser",
                      "REDIS_URL": "redis://:r3dis-pw@127.0.0.1:1/0"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json()["failed"] == ["database", "migrations", "redis"]
    assert "s3cret-pw" not in body and "r3dis-pw" not in body and "127.0.0.1" not in body


def test_gunicorn_workers_counts_are_summed_in_multiprocess_mode(tmp_path):
    """Two worker processes write their counts to PROMETHEUS_MULTIPROC_DIR; a scrape in a third sums them."""
    script = textwrap.dedent(f"""
        import sys
        from app import create_app
        app = create_app({{"TESTING": True, "SECRET_KEY": "k" * 40, "RATELIMIT_STORAGE_URI": "memory://",
                           "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / 'db.sqlite3'}",
                           "METRICS_TOKEN": "{TOKEN}"}})
        client = app.test_client()
        for _ in range(int(sys.argv[1])):
            client.get("/healthz")
        if sys.argv[2] == "scrape":
            print(client.get("/metrics", headers={{"Authorization": "Bearer {TOKEN}"}}).get_data(as_text=True))
    """)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for count in ("2", "3"):
        subprocess.run([sys.executable, "-c", script, count, "-"], env=env, cwd=root, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", script, "1", "scrape"], env=env, cwd=root, check=True,
                         capture_output=True, text=True).stdout
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(out) for s in family.samples}
    assert value(samples, "pser_http_requests_total", endpoint="public.healthz", method="GET", status="200") == 6


@pytest.fixture
def on_redis(app, monkeypatch):
    """RQ on the Redis database of JOBS_TEST_REDIS_URL, on a queue of this test's own; skipped without Redis."""
    import uuid

    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    connection = Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError:
        pytest.skip(f"no Redis at {url}")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"pser-metrics-test-{uuid.uuid4().hex[:10]}")
    from app.jobs import runner_for

    runner = runner_for(app)
    yield runner
    runner.queue().delete(delete_jobs=True)
    connection.close()


def test_a_job_waiting_for_a_worker_shows_in_the_rq_queue_and_the_table(app, client, metrics_on, on_redis):
    from app.extensions import db as flask_db
    from app.jobs import enqueue
    from app.unit_of_work import unit_of_work

    with app.app_context():
        with unit_of_work(flask_db.session) as session:
            enqueue(session, "complaints.escalate")  # no worker runs in this test: it waits on the queue
    samples = scrape(client)
    queue = app.config["JOBS_QUEUE"]
    assert value(samples, "pser_rq_jobs", queue=queue, registry="queued") == 1
    assert value(samples, "pser_rq_jobs", queue=queue, registry="failed") == 0
    assert value(samples, "pser_background_jobs", state="queued") == 1
    assert value(samples, "pser_dependency_up", dependency="redis") == 1
    assert client.get("/readyz").get_json()["checks"]["redis"] == "ok"
