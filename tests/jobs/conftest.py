"""Fixtures for background jobs: a runner pointed at a real Redis (database 3, a queue of the test's own),
and the environment for a real `flask --app wsgi worker` subprocess on the test's database."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def redis_jobs(app, monkeypatch):
    """Jobs go to RQ on Redis for this test, on a queue no one else uses; skipped when Redis is not there."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    queue_name = f"pser-jobs-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", queue_name)
    from app.jobs import runner_for

    runner = runner_for(app)
    yield runner
    runner.queue().delete(delete_jobs=True)
    connection.close()


@pytest.fixture
def worker_env(app, redis_jobs, monkeypatch):
    """The environment of a worker process on this test's database, queue and Redis, with short timings so
    that a lost worker's job is found within seconds (and retried at once: RQ takes the pauses between
    retries from the enqueuing process)."""
    monkeypatch.setitem(app.config, "JOB_RETRY_INTERVALS", "0")
    return {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "JOBS_QUEUE": app.config["JOBS_QUEUE"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SMS_BACKEND": "console",
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_LOST_AFTER_SECONDS": "2",
        "JOB_MAINTENANCE_SECONDS": "1",
        "JOB_RETRY_INTERVALS": "0",
    }


def start_worker(env: dict, *args: str, log: Path) -> subprocess.Popen:
    """`flask --app wsgi worker` in a session of its own, so that the test can kill it as a crash would."""
    flask = str(Path(sys.executable).with_name("flask"))
    with log.open("ab") as output:
        return subprocess.Popen([flask, "--app", "wsgi", "worker", *args], cwd=ROOT, env=env,
                                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
