"""Readiness: may this process take traffic? The database answers, Redis answers (when REDIS_URL is set) and
the schema is at the newest migration the code ships. The answer names what failed, never why in detail
(an error text can carry a host name, a user or a password)."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Flask
from sqlalchemy import text

from ..config import ROOT

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The head revisions of the migration scripts shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness(app: Flask) -> tuple[bool, dict]:
    """(ready, report): each check "ok", "failed" or "skipped", and the failed ones listed."""
    from ..extensions import db

    checks: dict[str, str] = {}
    details: dict[str, object] = {}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
            try:
                current = frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))
            except Exception:  # noqa: BLE001 - no alembic_version table: never migrated
                current = frozenset()
        heads = migration_heads()
        checks["migrations"] = "ok" if current == heads else "failed"
        details["migrations"] = {"current": sorted(current), "head": sorted(heads)}
    except Exception:  # noqa: BLE001
        log.warning("readiness: the database did not answer")
        checks["database"] = "failed"
        checks["migrations"] = "failed"
    if app.config.get("REDIS_URL"):
        try:
            from redis import Redis

            client = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
            try:
                client.ping()
            finally:
                client.close()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            log.warning("readiness: Redis did not answer")
            checks["redis"] = "failed"
    else:
        checks["redis"] = "skipped"
    failed = sorted(name for name, state in checks.items() if state == "failed")
    return not failed, {"status": "ready" if not failed else "not ready", "checks": checks, "failed": failed,
                        **details}
