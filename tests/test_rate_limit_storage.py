"""Status lookups stay limited across processes (Redis) and when Redis is down (in-memory fallback)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# One process of the portal doing `n` status lookups from one address; prints the status codes.
LOOKUPS = r"""
import json, re, sys
from app import create_app
from app.extensions import db
from flask_migrate import upgrade
app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40})
with app.app_context():
    upgrade()
client = app.test_client()
page = client.get("/status").get_data(as_text=True)
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
codes = [client.post("/status", data={"cnic": "35202-1234567-1", "csrf_token": token}).status_code
         for _ in range(int(sys.argv[1]))]
print(json.dumps(codes))
"""


def _lookups(n: int, tmp_path: Path, **env) -> list[int]:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'rl.sqlite3'}", **env}
    environment.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", LOOKUPS, str(n)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_lookups_are_still_limited_when_redis_is_down(tmp_path):
    codes = _lookups(11, tmp_path, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


@pytest.mark.skipif(not _redis_up(), reason="Redis is not listening on 127.0.0.1:6379")
def test_two_processes_share_one_limit_through_redis(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "RATELIMIT_KEY_PREFIX": f"pser-test-{uuid.uuid4().hex}"}
    first = _lookups(6, tmp_path, **env)
    second = _lookups(5, tmp_path, **env)
    assert first == [200] * 6
    assert second == [200] * 4 + [429]


def test_with_redis_down_two_workers_together_allow_no_more_than_the_configured_limit(tmp_path):
    # Each of two workers counts in its own memory, so each allows half: 5 + 5 of the 10 per minute.
    env = {"REDIS_URL": "redis://127.0.0.1:1/0", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "WEB_CONCURRENCY": "2"}
    first = _lookups(6, tmp_path, **env)
    second = _lookups(6, tmp_path, **env)
    assert first == second == [200] * 5 + [429]


def test_without_redis_the_process_count_setting_shares_out_every_limit(tmp_path):
    codes = _lookups(4, tmp_path, REDIS_URL="", RATELIMIT_PROCESSES="3", WEB_CONCURRENCY="8")
    assert codes == [200] * 3 + [429]  # 10 per minute over 3 processes: 3 each, 9 in all


def test_a_limit_is_shared_out_rounding_down_but_never_to_nothing():
    from app.rate_limits import process_share

    assert process_share("10 per minute;100 per hour", 4) == "2 per 1 minute;25 per 1 hour"
    assert process_share("5 per hour", 1) == "5 per hour"
    assert process_share("1 per minute", 3) == "1 per 1 minute"
